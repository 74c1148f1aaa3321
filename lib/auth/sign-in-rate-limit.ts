import { consumeRateLimit } from "../rate-limit";
import { getRequestContext } from "../request-context";

/** Sign-in emails per address and per client address, so nobody can flood an inbox. */
export const SIGN_IN_RATE_LIMITS = {
  perEmail: { limit: 5, windowSeconds: 15 * 60 },
  perIp: { limit: 30, windowSeconds: 15 * 60 },
};

/** Where a rate-limited request for a link is sent (the server action reads the same path). */
export const SIGN_IN_RATE_LIMITED_PATH = "/signin/error?error=TooManyRequests";

export async function allowSignInEmail(email: string): Promise<boolean> {
  const byEmail = await consumeRateLimit({ key: `sign-in:${email.trim().toLowerCase()}`, ...SIGN_IN_RATE_LIMITS.perEmail });
  if (!byEmail.allowed) return false;
  const ip = getRequestContext()?.ipAddress;
  if (!ip) return true;
  return (await consumeRateLimit({ key: `sign-in-ip:${ip}`, ...SIGN_IN_RATE_LIMITS.perIp })).allowed;
}
