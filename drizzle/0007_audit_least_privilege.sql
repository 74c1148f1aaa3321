-- Least privilege at run time (README "Two database roles", DESIGN §7 "Audit proof").
--
-- 1. The audit append runs with its owner's rights (SECURITY DEFINER), so a runtime role that
--    may only SELECT audit_logs can still append, and only through this function: it takes the
--    chain lock, reads the last hash and computes the new one itself. search_path is fixed so a
--    caller cannot put its own `audit_logs` or `sha256` in front of the real ones.
ALTER FUNCTION audit_logs_append(jsonb) SECURITY DEFINER;
--> statement-breakpoint
ALTER FUNCTION audit_logs_append(jsonb) SET search_path = public, pg_temp;
--> statement-breakpoint
-- 2. What the runtime role may do, applied by `npm run db:migrate` after the migrations when
--    DATABASE_MIGRATION_URL is set (lib/db/runtime-grants.ts passes DATABASE_URL's role, which
--    it learns by connecting as it). Re-run after every migration, so new tables are covered.
--    - every table: SELECT, INSERT, UPDATE, DELETE; never TRUNCATE, REFERENCES, TRIGGER, and no
--      DDL (the role owns nothing and may not CREATE in the schema);
--    - audit_logs: SELECT only; rows are appended through audit_logs_append;
--    - audit_checkpoints: SELECT, INSERT (a checkpoint is never changed);
--    - event_outbox, event_handler_runs, email_deliveries: no DELETE (they are the delivery
--      record: rows change status, none is removed by the app);
--    - sequences: USAGE, SELECT (nextval), never setval; none on audit_logs' own sequence.
--    A table still owned by the runtime role stops the grant with a message: an owner keeps
--    every right whatever is revoked, so the tables must move to the migration role first.
CREATE OR REPLACE FUNCTION audit_grant_runtime_role(runtime name) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
  t record;
  owned text[];
  granted text[] := '{}';
  privileges text;
BEGIN
  IF runtime = current_user THEN
    RAISE EXCEPTION 'the runtime role % is the migration role: nothing to restrict', runtime;
  END IF;
  SELECT array_agg(c.relname::text ORDER BY c.relname) INTO owned
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
      AND pg_has_role(runtime, c.relowner, 'USAGE');
  IF owned IS NOT NULL THEN
    RAISE EXCEPTION 'the runtime role % owns %: as a superuser run REASSIGN OWNED BY % TO %, then migrate again',
      runtime, array_to_string(owned, ', '), quote_ident(runtime), quote_ident(current_user)
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', runtime);
  EXECUTE format('REVOKE CREATE ON SCHEMA public FROM %I', runtime);
  FOR t IN
    SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S') ORDER BY c.relname
  LOOP
    IF t.relkind = 'S' THEN
      EXECUTE format('REVOKE ALL ON SEQUENCE public.%I FROM %I', t.relname, runtime);
      CONTINUE WHEN t.relname = 'audit_logs_seq_seq';
      EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE public.%I TO %I', t.relname, runtime);
      CONTINUE;
    END IF;
    privileges := CASE
      WHEN t.relname = 'audit_logs' THEN 'SELECT'
      WHEN t.relname = 'audit_checkpoints' THEN 'SELECT, INSERT'
      WHEN t.relname IN ('event_outbox', 'event_handler_runs', 'email_deliveries') THEN 'SELECT, INSERT, UPDATE'
      ELSE 'SELECT, INSERT, UPDATE, DELETE'
    END;
    EXECUTE format('REVOKE ALL ON TABLE public.%I FROM %I', t.relname, runtime);
    EXECUTE format('GRANT %s ON TABLE public.%I TO %I', privileges, t.relname, runtime);
    granted := array_append(granted, t.relname || ': ' || privileges);
  END LOOP;
  EXECUTE format('GRANT EXECUTE ON FUNCTION audit_logs_append(jsonb) TO %I', runtime);
  RETURN granted;
END;
$$;
--> statement-breakpoint
-- Only the migration role runs it (it would fail for anyone else anyway: only an owner grants).
REVOKE EXECUTE ON FUNCTION audit_grant_runtime_role(name) FROM PUBLIC;
