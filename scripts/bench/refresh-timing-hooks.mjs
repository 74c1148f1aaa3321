/**
 * Module resolution hooks for `npm run bench:refresh` (registered with `module.register`).
 *
 * When lib/connections/refresh-sweep.ts imports ./refresh-connection, it gets
 * scripts/bench/timed-refresh-connection.ts instead: the same functions, with every
 * `refreshConnection` call timed. Nothing else is redirected, and the app's files are not
 * touched; outside the benchmark the hooks are never registered.
 */
const SWEEP = "/lib/connections/refresh-sweep.ts";
const REFRESH_CONNECTION = "/lib/connections/refresh-connection.ts";
const TIMED = new URL("./timed-refresh-connection.ts", import.meta.url).href;

const withoutQuery = (url) => url.split(/[?#]/, 1)[0];

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const fromSweep = context.parentURL !== undefined && withoutQuery(context.parentURL).endsWith(SWEEP);
  if (fromSweep && withoutQuery(resolved.url).endsWith(REFRESH_CONNECTION)) return { ...resolved, url: TIMED };
  return resolved;
}
