/** How often a user may press "Refresh now". A leaf (imports nothing) so the browser tests can read it. */
export const MANUAL_REFRESH_RATE_LIMIT = { limit: 10, windowSeconds: 10 * 60 };
