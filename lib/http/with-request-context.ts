import { contextFromHeaders, runWithRequestContext, type Actor } from "../request-context";

/**
 * Runs a route handler inside the request's context (request id, IP, user agent), so
 * its log lines and events carry them like those of server actions do.
 */
export function withRequestContext<R extends Request, C>(
  handler: (request: R, context: C) => Promise<Response>,
  { actor = { type: "system" } }: { actor?: Actor } = {},
) {
  return (request: R, context: C) =>
    runWithRequestContext({ ...contextFromHeaders(request.headers), actor }, () => handler(request, context));
}
