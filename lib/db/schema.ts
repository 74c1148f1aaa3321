/**
 * The one Drizzle schema. Table names are a contract (DESIGN.md §5): Auth.js owns
 * `users`, `accounts`, `sessions`, `verification_tokens`; Ledgerlink owns the rest.
 * Migrations are generated from this file by `npm run db:generate`, never by hand,
 * except the audit triggers, which live in a custom migration (drizzle-kit cannot express them).
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

// Columns several tables share, each built fresh per table.
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();
/** The person the row belongs to; deleting the user deletes the row. */
const ownerId = () => text("user_id").notNull().references(() => users.id, { onDelete: "cascade" });
/**
 * A row about one connection: its own id, the connection and the connection's owner.
 * Deleting the connection (or the user) deletes the row.
 */
const connectionChildColumns = () => ({
  id: uuid("id").primaryKey(),
  connectionId: uuid("connection_id").notNull().references(() => providerConnections.id, { onDelete: "cascade" }),
  userId: ownerId(),
});

// ---------------------------------------------------------------- Auth.js

export const users = pgTable("users", {
  id: text("id").primaryKey().$defaultFn(() => crypto.randomUUID()),
  name: text("name"),
  email: text("email").notNull().unique(),
  emailVerified: timestamp("email_verified", { mode: "date", withTimezone: true }),
  image: text("image"),
  createdAt: createdAt(),
  /** IANA zone the person reads times in (detected in the browser, changeable in /settings); null = UTC. */
  timeZone: text("time_zone"),
  /** Set when the person deleted their account: email and profile are gone, the id stays for the audit trail. */
  deletedAt: timestamp("deleted_at", { withTimezone: true }),
});
export type User = typeof users.$inferSelect;

/** Required by the Auth.js adapter; unused by the magic-link provider. */
export const accounts = pgTable(
  "accounts",
  {
    userId: ownerId(),
    type: text("type").notNull(),
    provider: text("provider").notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    refresh_token: text("refresh_token"),
    access_token: text("access_token"),
    expires_at: integer("expires_at"),
    token_type: text("token_type"),
    scope: text("scope"),
    id_token: text("id_token"),
    session_state: text("session_state"),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerAccountId] })],
);

export const sessions = pgTable("sessions", {
  sessionToken: text("session_token").primaryKey(),
  userId: ownerId(),
  expires: timestamp("expires", { mode: "date", withTimezone: true }).notNull(),
  // Ledgerlink's own columns, all optional so the Drizzle adapter's inserts still work:
  // what /settings shows about each device (lib/people/sessions.ts fills them).
  ipAddress: text("ip_address"),
  userAgent: text("user_agent"),
  createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
});

/**
 * Sign-ins and sign-outs, for the person's own /activity (not the audit chain: these are
 * about the account, not a connection). Kept by user id like the audit rows.
 */
export const sessionEvents = pgTable(
  "session_events",
  {
    id: uuid("id").primaryKey(),
    userId: text("user_id").notNull(),
    /** `signed_in` | `signed_out` | `signed_out_elsewhere` | `device_signed_out`. */
    kind: text("kind").notNull(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("session_events_user_idx").on(t.userId, t.occurredAt)],
);
export type SessionEvent = typeof sessionEvents.$inferSelect;

export const verificationTokens = pgTable(
  "verification_tokens",
  {
    identifier: text("identifier").notNull(),
    token: text("token").notNull(),
    expires: timestamp("expires", { mode: "date", withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.identifier, t.token] })],
);

// ---------------------------------------------------------------- connections

export const connectionStatus = pgEnum("connection_status", [
  "pending",
  "active",
  "expired",
  "revoked",
  "failed",
  "disconnected",
]);

export const providerConnections = pgTable(
  "provider_connections",
  {
    id: uuid("id").primaryKey(),
    userId: ownerId(),
    providerSlug: text("provider_slug").notNull(),
    alias: text("alias").notNull(),
    status: connectionStatus("status").notNull().default("pending"),
    /** Why the connection left `active` (a refresh or connection reason code). */
    statusReason: text("status_reason"),
    // Sealed with lib/providers/token-crypto (AES-256-GCM, key id inside the value).
    accessTokenEnc: text("access_token_enc"),
    refreshTokenEnc: text("refresh_token_enc"),
    tokenType: text("token_type"),
    scope: text("scope"),
    accessTokenExpiresAt: timestamp("access_token_expires_at", { withTimezone: true }),
    /** Hard limit past which no refresh helps (refresh token or consent lifetime). */
    refreshTokenExpiresAt: timestamp("refresh_token_expires_at", { withTimezone: true }),
    connectedAt: timestamp("connected_at", { withTimezone: true }),
    lastRefreshedAt: timestamp("last_refreshed_at", { withTimezone: true }),
    disconnectedAt: timestamp("disconnected_at", { withTimezone: true }),
    /** Transient refresh failures in a row; drives the backoff. */
    refreshFailures: integer("refresh_failures").notNull().default(0),
    nextRefreshAttemptAt: timestamp("next_refresh_attempt_at", { withTimezone: true }),
    reauthWarningSentAt: timestamp("reauth_warning_sent_at", { withTimezone: true }),
    /**
     * A refresh sweep's claim on the row until then (database clock): concurrent sweeps take
     * disjoint batches, and a crashed sweep's claim lapses so another sweep takes the row.
     */
    refreshLeaseUntil: timestamp("refresh_lease_until", { withTimezone: true }),
    /** Outcome of the RFC 7009 revocation at disconnect: revoked | unsupported | failed. */
    revocationOutcome: text("revocation_outcome"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("provider_connections_user_idx").on(t.userId, t.createdAt),
    // An alias tells one user's connections to the same provider apart; a disconnected row frees it.
    uniqueIndex("provider_connections_alias_uq")
      .on(t.userId, t.providerSlug, t.alias)
      .where(sql`${t.status} <> 'disconnected'`),
    // The refresh sweep's scan: active connections by access token expiry.
    index("provider_connections_due_idx")
      .on(t.accessTokenExpiresAt)
      .where(sql`${t.status} = 'active'`),
  ],
);
export type ProviderConnection = typeof providerConnections.$inferSelect;
export type NewProviderConnection = typeof providerConnections.$inferInsert;

/** Single-use OAuth `state`, bound to a user and provider, valid 10 minutes. */
export const oauthStates = pgTable(
  "oauth_states",
  {
    /** SHA-256 of the state value: a database leak does not hand out live states. */
    stateHash: text("state_hash").primaryKey(),
    userId: ownerId(),
    providerSlug: text("provider_slug").notNull(),
    /** The PKCE verifier, sealed like every other credential. */
    codeVerifierEnc: text("code_verifier_enc").notNull(),
    connectionId: uuid("connection_id").notNull(),
    alias: text("alias").notNull(),
    correlationId: uuid("correlation_id").notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    /**
     * Set when the callback claims the state (single use); the row itself stays until the
     * flow has its outcome, so a crash mid-callback leaves it for the sweep to close.
     */
    claimedAt: timestamp("claimed_at", { withTimezone: true }),
    /** The grant the code exchange returned, sealed, kept until activation so the sweep can revoke it after a crash. */
    grantEnc: text("grant_enc"),
  },
  (t) => [index("oauth_states_expires_idx").on(t.expiresAt)],
);

/**
 * Rejected requests that cannot belong to anyone or were rate-limited, collapsed: the first
 * in a window is audited, the rest only counted here (audit_logs stays append-only).
 */
export const auditCollapsed = pgTable(
  "audit_collapsed",
  {
    userId: text("user_id").notNull(),
    action: text("action").notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    /** Requests in the window, the audited first one included. */
    count: integer("count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId, t.action, t.windowStart] })],
);

/** Fixed-window counters shared by every instance (serverless has no shared memory). */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
);

// ---------------------------------------------------------------- events

/**
 * The outbox: every published event, written before its handlers run (an outcome event in
 * the same transaction as the change it reports). A row is finished when `processedAt`
 * (every handler succeeded) or `deadAt` (a handler gave up) is set; until then the
 * recovery pass (lib/events/recover-events.ts) picks it up once `nextAttemptAt` is due.
 */
export const eventOutbox = pgTable(
  "event_outbox",
  {
    eventId: uuid("event_id").primaryKey(),
    type: text("type").notNull(),
    payload: jsonb("payload").notNull(),
    createdAt: createdAt(),
    /** Set once every handler that receives the event has finished. */
    processedAt: timestamp("processed_at", { withTimezone: true }),
    /** Set when a handler gave up after its last attempt (see event_handler_runs). */
    deadAt: timestamp("dead_at", { withTimezone: true }),
    /** Earliest next recovery: a failed handler's backoff, or a recovery pass's lease. */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
  },
  (t) => [
    index("event_outbox_pending_idx")
      .on(t.createdAt)
      .where(sql`${t.processedAt} is null and ${t.deadAt} is null`),
  ],
);

export const handlerRunStatus = pgEnum("handler_run_status", ["succeeded", "retrying", "dead"]);

/** One row per (event, handler) once it ran: what finished, what must be retried. */
export const eventHandlerRuns = pgTable(
  "event_handler_runs",
  {
    eventId: uuid("event_id")
      .notNull()
      .references(() => eventOutbox.eventId),
    handler: text("handler").notNull(),
    status: handlerRunStatus("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.handler] }),
    // What the admin page lists: handlers that gave up.
    index("event_handler_runs_dead_idx").on(t.updatedAt).where(sql`${t.status} = 'dead'`),
  ],
);

export const auditOutcome = pgEnum("audit_outcome", ["attempted", "succeeded", "failed"]);

/**
 * Append-only (triggers refuse UPDATE, DELETE, TRUNCATE) and hash-chained:
 * `hash = sha256(prevHash || canonical(row))`, in `seq` order.
 */
export const auditLogs = pgTable(
  "audit_logs",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    eventId: uuid("event_id").notNull().unique(),
    eventType: text("event_type").notNull(),
    action: text("action").notNull(),
    outcome: auditOutcome("outcome").notNull(),
    workflow: text("workflow").notNull(),
    /** `user` or `system` (scheduled refreshes). */
    actorType: text("actor_type").notNull(),
    actorUserId: text("actor_user_id"),
    /** The person the event is about: the connection's owner. */
    userId: text("user_id"),
    providerId: text("provider_id").notNull(),
    providerSlug: text("provider_slug").notNull(),
    connectionId: uuid("connection_id"),
    reason: text("reason"),
    needsUserAction: boolean("needs_user_action"),
    correlationId: uuid("correlation_id").notNull(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    occurredAt: timestamp("occurred_at", { withTimezone: true, mode: "date" }).notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    metadata: jsonb("metadata").notNull().default({}),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    index("audit_logs_occurred_idx").on(t.occurredAt, t.seq),
    index("audit_logs_user_idx").on(t.userId, t.occurredAt, t.seq),
    index("audit_logs_provider_idx").on(t.providerSlug, t.occurredAt, t.seq),
    // Workflow last: "failures only" still pages by (occurred_at, seq), and the timeline's
    // chart counts outcomes per day from the index alone (an index-only scan).
    index("audit_logs_outcome_idx").on(t.outcome, t.occurredAt, t.seq, t.workflow),
    // The workflow filter; audit-log access rows are rare in a large log and need it.
    index("audit_logs_workflow_idx").on(t.workflow, t.occurredAt, t.seq),
    index("audit_logs_correlation_idx").on(t.correlationId),
    index("audit_logs_connection_idx").on(t.connectionId),
  ],
);
export type AuditLog = typeof auditLogs.$inferSelect;

/**
 * Signed heads of the audit chain (lib/audit/checkpoints): `signature` is Ed25519 over the
 * canonical `{seq, hash, at, keyId}` (docs/AUDIT-FORMAT.md). Made by every sweep and export and
 * also written to the log, so a deleted tail of `audit_logs` shows against the newest one.
 */
export const auditCheckpoints = pgTable(
  "audit_checkpoints",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    hash: text("hash").notNull(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    keyId: text("key_id").notNull(),
    signature: text("signature").notNull(),
  },
  (t) => [index("audit_checkpoints_at_idx").on(t.at)],
);
export type AuditCheckpointRow = typeof auditCheckpoints.$inferSelect;

/** A rendered email as sent (or, in development, as it would have been): kept whole, so it can be sent again byte for byte or read. */
const renderedMessage = () => ({
  messageId: text("message_id").notNull(),
  toAddress: text("to_address").notNull(),
  subject: text("subject").notNull(),
  html: text("html").notNull(),
  text: text("text").notNull(),
});

export const emailDeliveryStatus = pgEnum("email_delivery_status", [
  "pending",
  "sent",
  "retrying",
  "failed",
]);

/**
 * One row per (event, template): the idempotency key of every notification. The rendered
 * message is kept so a retry sends exactly the same email (same Message-ID, same bytes).
 * `pending` and `retrying` rows are sent by whoever holds the lease in `nextAttemptAt`.
 */
export const emailDeliveries = pgTable(
  "email_deliveries",
  {
    id: uuid("id").primaryKey(),
    eventId: uuid("event_id").notNull(),
    template: text("template").notNull(),
    correlationId: uuid("correlation_id"),
    userId: text("user_id"),
    ...renderedMessage(),
    status: emailDeliveryStatus("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    /** `smtp` or `dev-mailbox`, once sent. */
    via: text("via"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("email_deliveries_event_template_uq").on(t.eventId, t.template),
    index("email_deliveries_correlation_idx").on(t.correlationId),
    index("email_deliveries_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} in ('pending', 'retrying')`),
    index("email_deliveries_failed_idx").on(t.updatedAt).where(sql`${t.status} = 'failed'`),
  ],
);
export type EmailDelivery = typeof emailDeliveries.$inferSelect;

// ---------------------------------------------------------------- development

/** Development mailbox: what the app would have sent, when no SMTP server is configured. */
export const devMailbox = pgTable(
  "dev_mailbox",
  {
    id: uuid("id").primaryKey(),
    fromAddress: text("from_address").notNull(),
    ...renderedMessage(),
    createdAt: createdAt(),
  },
  (t) => [index("dev_mailbox_created_idx").on(t.createdAt)],
);
export type DevMail = typeof devMailbox.$inferSelect;

// ---------------------------------------------------------------- Accounts (issue 14)

/**
 * The accounts a connection's provider reported at its last good read (DESIGN.md §7).
 * Masked numbers only: the parsers never keep more than the last four digits. Replaced as a
 * whole by the next good read; a bad read leaves these rows alone. A trigger deletes them
 * when the connection is disconnected; the user's deletion cascades.
 */
export const providerAccounts = pgTable(
  "provider_accounts",
  {
    ...connectionChildColumns(),
    /** The provider's id for the account (opaque; never the account number). */
    externalId: text("external_id").notNull(),
    type: text("type").notNull(),
    name: text("name").notNull(),
    /** e.g. "…1234": at most the last four digits. */
    maskedNumber: text("masked_number"),
    currency: text("currency").notNull(),
    /** Decimal strings as the provider sent them (numeric keeps cents exact). */
    currentBalance: numeric("current_balance", { precision: 20, scale: 4 }),
    availableBalance: numeric("available_balance", { precision: 20, scale: 4 }),
    balanceAsOf: timestamp("balance_as_of", { withTimezone: true }),
    readAt: timestamp("read_at", { withTimezone: true }).notNull(),
    position: integer("position").notNull().default(0),
  },
  (t) => [uniqueIndex("provider_accounts_connection_external_uq").on(t.connectionId, t.externalId)],
);
export type ProviderAccount = typeof providerAccounts.$inferSelect;
export type NewProviderAccount = typeof providerAccounts.$inferInsert;

export const accountReadOutcome = pgEnum("account_read_outcome", ["running", "succeeded", "failed"]);

/**
 * One row per accounts read (after connect, or "Refresh accounts"): what the card's
 * loading and error states, the user's /activity and the admin read. Not an audit row:
 * reading accounts is not one of the nine domain events.
 */
export const accountReads = pgTable(
  "account_reads",
  {
    ...connectionChildColumns(),
    providerSlug: text("provider_slug").notNull(),
    correlationId: uuid("correlation_id").notNull(),
    /** `connect` (in the background after a connect) or `manual` (Refresh accounts). */
    trigger: text("trigger").notNull(),
    outcome: accountReadOutcome("outcome").notNull().default("running"),
    /** A reason code (lib/accounts/read-failure.ts) when failed; never a provider's raw text. */
    reason: text("reason"),
    accountCount: integer("account_count"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("account_reads_connection_idx").on(t.connectionId, t.startedAt),
    index("account_reads_user_idx").on(t.userId, t.startedAt),
    index("account_reads_failed_idx").on(t.startedAt).where(sql`${t.outcome} = 'failed'`),
  ],
);
export type AccountRead = typeof accountReads.$inferSelect;

/**
 * One row per periodic sweep (lib/sweep/run-sweep.ts), for /admin/operations: when, which
 * scheduler started it, and its summary or its error. Counts only, never a credential.
 * Pruned by the sweep itself (lib/sweep/sweep-runs.ts) so the table stays small.
 */
export const sweepRuns = pgTable(
  "sweep_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** `cron` (the cron route) or `timer` (the in-server timer). */
    trigger: text("trigger").notNull(),
    /** `ok` or `failed`. */
    outcome: text("outcome").notNull(),
    summary: jsonb("summary"),
    /** The error's message when failed (never a token: the sweep's errors carry codes, not secrets). */
    error: text("error"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sweep_runs_started_idx").on(t.startedAt)],
);
export type SweepRun = typeof sweepRuns.$inferSelect;
