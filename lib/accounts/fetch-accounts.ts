/**
 * One HTTP read of a provider's accounts endpoint with the bearer token: bounded in time
 * (a slow bank times out) and in size (a huge body is refused before it is parsed). Only
 * the status and the text come back; the token never leaves this function.
 */
import { AccountsReadError } from "./accounts-read-error";

/** Long enough for a slow bank, short enough that a read (two tries) fits well inside the sweep's time budget. */
export const ACCOUNTS_TIMEOUT_MS = 10_000;
/** 200 accounts of FDX JSON fit in well under this. */
export const ACCOUNTS_MAX_BYTES = 1024 * 1024;

export async function fetchAccounts(url: string, accessToken: string, { timeoutMs = ACCOUNTS_TIMEOUT_MS } = {}): Promise<{ status: number; text: string }> {
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" },
      redirect: "error", // a redirect could carry the bearer header somewhere else
      signal,
    });
  } catch (error) {
    throw signal.aborted ? new AccountsReadError("timeout", `no answer within ${timeoutMs} ms`) : new AccountsReadError("network_error", describe(error));
  }
  try {
    return { status: response.status, text: await readCapped(response) };
  } catch (error) {
    if (error instanceof AccountsReadError) throw error;
    throw signal.aborted ? new AccountsReadError("timeout", `body not read within ${timeoutMs} ms`) : new AccountsReadError("network_error", describe(error));
  }
}

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > ACCOUNTS_MAX_BYTES) {
      await reader.cancel();
      throw new AccountsReadError("too_many_accounts", `body over ${ACCOUNTS_MAX_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The error's class and code only: a message could echo a URL or header. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return "fetch failed";
  const cause = (error as Error & { cause?: { code?: unknown } }).cause;
  return `${error.name}${typeof cause?.code === "string" ? ` (${cause.code})` : ""}`;
}
