-- audit_logs is append-only in the database itself (DESIGN.md §5): UPDATE, DELETE and
-- TRUNCATE are refused for every role, the app's included. Statement-level triggers, so an
-- UPDATE or DELETE that matches no row is refused too. Only a superuser who disables the
-- triggers can change a row, and the hash chain (`npm run audit:verify`) then shows it.
CREATE OR REPLACE FUNCTION audit_logs_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_logs is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Audit rows are never changed or removed; append a new row instead.';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_logs_no_update BEFORE UPDATE ON audit_logs
  FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_logs_no_delete BEFORE DELETE ON audit_logs
  FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs
  FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_refuse_change();
--> statement-breakpoint
-- Appends audit rows, each chained to the one before, in a single round trip
-- (lib/audit/append-audit-log.ts). `entries` is a JSON array of {"row": {column: value…},
-- "content": "<canonical text>"}; the result holds each new row's seq, in order, or NULL where
-- a row for that event_id already existed (appends are idempotent).
-- The transaction-scoped advisory lock serialises "read the last hash, insert the next row"
-- across every process; in a VOLATILE function each statement takes a fresh snapshot, so the
-- statements after the lock see the rows the previous lock holder committed.
-- hash = sha256(prev_hash || E'\n' || content): exactly what `npm run audit:verify` recomputes.
CREATE OR REPLACE FUNCTION audit_logs_append(entries jsonb) RETURNS bigint[]
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  previous text;
  item jsonb;
  appended bigint;
  result bigint[] := '{}';
BEGIN
  PERFORM pg_advisory_xact_lock(7310400117);
  SELECT hash INTO previous FROM audit_logs ORDER BY seq DESC LIMIT 1;
  previous := coalesce(previous, repeat('0', 64));
  FOR item IN SELECT value FROM jsonb_array_elements(entries) LOOP
    IF EXISTS (SELECT 1 FROM audit_logs WHERE event_id = (item->'row'->>'event_id')::uuid) THEN
      result := array_append(result, NULL::bigint);
      CONTINUE;
    END IF;
    INSERT INTO audit_logs (
      event_id, event_type, action, outcome, workflow, actor_type, actor_user_id, user_id,
      provider_id, provider_slug, connection_id, reason, needs_user_action, correlation_id,
      ip_address, user_agent, occurred_at, recorded_at, metadata, prev_hash, hash)
    SELECT
      r.event_id, r.event_type, r.action, r.outcome, r.workflow, r.actor_type, r.actor_user_id, r.user_id,
      r.provider_id, r.provider_slug, r.connection_id, r.reason, r.needs_user_action, r.correlation_id,
      r.ip_address, r.user_agent, r.occurred_at, r.recorded_at, r.metadata,
      previous, encode(sha256(convert_to(previous || E'\n' || (item->>'content'), 'UTF8')), 'hex')
    FROM jsonb_populate_record(NULL::audit_logs, item->'row') AS r
    RETURNING seq, hash INTO appended, previous;
    result := array_append(result, appended);
  END LOOP;
  RETURN result;
END;
$$;
