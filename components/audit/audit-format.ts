/** Labels and formats shared by the admin timeline and /activity. */
import { formatDateTime } from "@/lib/format";

/** "27 Nov 2026, 10:04:05 UTC": seconds matter when reading a trail. */
export function formatAuditTime(value: Date, timeZone?: string): string {
  return formatDateTime(value, { withSeconds: true, timeZone });
}

/** "850 ms", "3.4 s", "2 min 5 s", "3 h 12 min". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1_000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export const WORKFLOW_LABELS: Record<string, string> = {
  connect: "Connect",
  disconnect: "Disconnect",
  refresh: "Token refresh",
  admin: "Audit log access",
};

export const OUTCOME_LABELS: Record<string, string> = {
  succeeded: "Succeeded",
  failed: "Failed",
  attempted: "No outcome yet",
};

const ACTION_LABELS: Record<string, string> = {
  provider_connection_attempted: "Connection attempted",
  provider_connected: "Connected",
  provider_connection_failed: "Connection failed",
  provider_disconnection_attempted: "Disconnection attempted",
  provider_disconnected: "Disconnected",
  provider_disconnection_failed: "Disconnection failed",
  provider_token_refresh_attempted: "Token refresh attempted",
  provider_token_refreshed: "Token refreshed",
  provider_token_refresh_failed: "Token refresh failed",
  audit_log_viewed: "Audit log viewed",
  audit_log_exported: "Audit log exported",
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

/** "provider_revoked" → "Provider revoked". */
export function reasonLabel(reason: string): string {
  const words = reason.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}
