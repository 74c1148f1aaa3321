DROP INDEX "email_deliveries_retry_idx";--> statement-breakpoint
DROP INDEX "event_outbox_pending_idx";--> statement-breakpoint
ALTER TABLE "email_deliveries" ADD COLUMN "html" text NOT NULL;--> statement-breakpoint
ALTER TABLE "email_deliveries" ADD COLUMN "text" text NOT NULL;--> statement-breakpoint
ALTER TABLE "email_deliveries" ADD COLUMN "via" text;--> statement-breakpoint
ALTER TABLE "event_outbox" ADD COLUMN "dead_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "event_outbox" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "email_deliveries_due_idx" ON "email_deliveries" USING btree ("next_attempt_at") WHERE "email_deliveries"."status" in ('pending', 'retrying');--> statement-breakpoint
CREATE INDEX "email_deliveries_failed_idx" ON "email_deliveries" USING btree ("updated_at") WHERE "email_deliveries"."status" = 'failed';--> statement-breakpoint
CREATE INDEX "event_handler_runs_dead_idx" ON "event_handler_runs" USING btree ("updated_at") WHERE "event_handler_runs"."status" = 'dead';--> statement-breakpoint
CREATE INDEX "event_outbox_pending_idx" ON "event_outbox" USING btree ("created_at") WHERE "event_outbox"."processed_at" is null and "event_outbox"."dead_at" is null;