DROP INDEX "audit_logs_outcome_idx";--> statement-breakpoint
CREATE INDEX "audit_logs_workflow_idx" ON "audit_logs" USING btree ("workflow","occurred_at","seq");--> statement-breakpoint
CREATE INDEX "audit_logs_outcome_idx" ON "audit_logs" USING btree ("outcome","occurred_at","seq","workflow");