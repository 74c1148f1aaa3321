CREATE TYPE "public"."account_read_outcome" AS ENUM('running', 'succeeded', 'failed');--> statement-breakpoint
CREATE TABLE "account_reads" (
	"id" uuid PRIMARY KEY NOT NULL,
	"connection_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"provider_slug" text NOT NULL,
	"correlation_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"outcome" "account_read_outcome" DEFAULT 'running' NOT NULL,
	"reason" text,
	"account_count" integer,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "provider_accounts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"connection_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"external_id" text NOT NULL,
	"type" text NOT NULL,
	"name" text NOT NULL,
	"masked_number" text,
	"currency" text NOT NULL,
	"current_balance" numeric(20, 4),
	"available_balance" numeric(20, 4),
	"balance_as_of" timestamp with time zone,
	"read_at" timestamp with time zone NOT NULL,
	"position" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "account_reads" ADD CONSTRAINT "account_reads_connection_id_provider_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."provider_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_reads" ADD CONSTRAINT "account_reads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_accounts" ADD CONSTRAINT "provider_accounts_connection_id_provider_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."provider_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_accounts" ADD CONSTRAINT "provider_accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_reads_connection_idx" ON "account_reads" USING btree ("connection_id","started_at");--> statement-breakpoint
CREATE INDEX "account_reads_user_idx" ON "account_reads" USING btree ("user_id","started_at");--> statement-breakpoint
CREATE INDEX "account_reads_failed_idx" ON "account_reads" USING btree ("started_at") WHERE "account_reads"."outcome" = 'failed';--> statement-breakpoint
CREATE UNIQUE INDEX "provider_accounts_connection_external_uq" ON "provider_accounts" USING btree ("connection_id","external_id");