/**
 * The window in which repeated rejected requests collapse into one audited row and a count
 * (lib/events/emit-collapsed.ts writes them, the audit timeline reads the counts). It lives
 * beside the audit log so the timeline can read it without importing the events folder.
 */
export const COLLAPSE_WINDOW_SECONDS = 10 * 60;
