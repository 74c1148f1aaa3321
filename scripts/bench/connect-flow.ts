/**
 * One Connect flow for `npm run bench:connect`, as a browser without JavaScript runs it:
 * load /connections, submit the Connect form (multipart, with the `$ACTION_…` fields React
 * rendered into it), consent at the Sandbox Bank, come back through the callback and load
 * the dashboard it redirects to. Every step is checked; the spans are timed.
 */
import { authorizeInSandboxBank } from "../../lib/providers/sandbox-bank/consent-driver";
import { findForm, textsByRole } from "./html-form";

export interface FlowTiming {
  /** GET /connections before pressing Connect (to read the form). */
  pageMs: number;
  /** POST of the Connect form → the 303 to the bank. */
  actionMs: number;
  /** At the bank, not part of the figures. */
  consentMs: number;
  /** GET /connections/callback/sandbox-bank → its redirect. */
  callbackMs: number;
  /** GET of the redirect target → the whole rendered page. */
  dashboardMs: number;
  callbackToDashboardMs: number;
}

export interface FlowResult {
  timing: FlowTiming;
  connectionId: string;
  /** Wall-clock (epoch ms) bounds of the callback request, to line up with the rows it wrote. */
  callbackStartedAt: number;
  callbackEndedAt: number;
}

/** A step answered something a browser would not have expected. */
export class FlowError extends Error {}

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new FlowError(message);
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
}

export async function connectFlow({
  appUrl,
  bankUrl,
  cookie,
  login,
}: {
  appUrl: string;
  bankUrl: string;
  /** `name=value` of the session cookie. */
  cookie: string;
  /** The bank login to consent as. */
  login: string;
}): Promise<FlowResult> {
  const headers = { accept: "text/html,application/xhtml+xml", "user-agent": "ledgerlink-bench-connect (no JavaScript)", cookie };

  const [page, pageMs] = await timed(async () => {
    const response = await fetch(`${appUrl}/connections`, { headers, redirect: "manual" });
    return { status: response.status, html: await response.text() };
  });
  expect(page.status === 200, `GET /connections answered ${page.status} (is the session cookie accepted?)`);
  const form = findForm(page.html, "Connect Sandbox Bank");
  expect(form, "no form named “Connect Sandbox Bank” on /connections");
  expect(form.method === "post", `the Connect form's method is ${form.method}, not post`);
  expect(
    form.fields.some(([name]) => name.startsWith("$ACTION_")),
    "the Connect form carries no $ACTION_ field: it would not work without JavaScript",
  );

  const body = new FormData();
  for (const [name, value] of form.fields) body.append(name, value);
  const [action, actionMs] = await timed(async () => {
    const response = await fetch(new URL(form.action ?? "", `${appUrl}/connections`), {
      method: "POST",
      headers: { ...headers, origin: appUrl },
      body,
      redirect: "manual",
    });
    await response.arrayBuffer();
    return { status: response.status, location: response.headers.get("location") };
  });
  expect(action.status === 303, `the Connect action answered ${action.status}, not 303`);
  const authorizationUrl = new URL(action.location ?? "", appUrl);
  expect(
    authorizationUrl.origin === bankUrl && authorizationUrl.pathname === "/auth",
    `the Connect action redirected to ${authorizationUrl.origin}${authorizationUrl.pathname}, not to the bank's /auth`,
  );

  const [callbackUrl, consentMs] = await timed(() => authorizeInSandboxBank(authorizationUrl, { username: login }));
  expect(
    callbackUrl.origin === appUrl && callbackUrl.pathname === "/connections/callback/sandbox-bank" && callbackUrl.searchParams.has("code"),
    `the bank sent the browser to ${callbackUrl.origin}${callbackUrl.pathname} without a code`,
  );

  const callbackStartedAt = Date.now();
  const [callback, callbackMs] = await timed(async () => {
    const response = await fetch(callbackUrl, { headers, redirect: "manual" });
    await response.arrayBuffer();
    return { status: response.status, location: response.headers.get("location") };
  });
  const callbackEndedAt = Date.now();
  expect(callback.status >= 300 && callback.status < 400 && callback.location, `the callback answered ${callback.status} without a redirect`);
  const landing = new URL(callback.location, appUrl);
  const connectionId = landing.searchParams.get("connected");
  expect(
    landing.pathname === "/connections" && connectionId,
    `the callback sent the browser to ${landing.pathname}?${[...landing.searchParams.keys()].join("&")}`,
  );

  const [dashboard, dashboardMs] = await timed(async () => {
    const response = await fetch(landing, { headers, redirect: "manual" });
    return { status: response.status, html: await response.text() };
  });
  expect(dashboard.status === 200, `the dashboard answered ${dashboard.status}`);
  const statuses = textsByRole(dashboard.html, "status");
  expect(statuses.includes("Sandbox Bank connected."), `the dashboard shows no “Sandbox Bank connected.” (status: ${JSON.stringify(statuses)})`);

  return {
    timing: { pageMs, actionMs, consentMs, callbackMs, dashboardMs, callbackToDashboardMs: callbackMs + dashboardMs },
    connectionId,
    callbackStartedAt,
    callbackEndedAt,
  };
}
