import { expect, test, type APIRequestContext } from "@playwright/test";

import { SIGN_IN_RATE_LIMITS } from "../../lib/auth/sign-in-rate-limit";
import { listEmails } from "../support/mailbox";
import { uniqueEmail } from "../support/sign-in";

/** Asks for a link the way a script would: Auth.js's own endpoint, with its CSRF token. */
async function postSignIn(request: APIRequestContext, email: string) {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const response = await request.post("/api/auth/signin/nodemailer", {
    form: { csrfToken, email, callbackUrl: "/connections" },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(302);
  return new URL(response.headers()["location"]!, "http://x");
}

const emailsTo = async (address: string) => (await listEmails()).filter((m) => m.to.some((to) => to.toLowerCase().includes(address.toLowerCase())));

// No fixed sleeps: the app sends a sign-in email inside the request (Auth.js awaits it before
// its 302) and the SMTP capture stores a message before it accepts it, so whatever a request
// sends is listed by the time its answer arrives. Each test also checks that this still holds
// (an allowed request's email is there at once), so a send moved out of the request fails the
// test instead of letting "nothing was sent" pass too early.

test("Auth.js's own sign-in endpoint keeps the per-address limit", async ({ request }) => {
  const target = uniqueEmail("flooded");
  const limit = SIGN_IN_RATE_LIMITS.perEmail.limit;
  const answers: string[] = [];
  const listed: number[] = [];
  for (let i = 0; i < limit + 3; i += 1) {
    answers.push((await postSignIn(request, i % 2 ? target.toUpperCase() : target)).pathname);
    listed.push((await emailsTo(target)).length);
  }
  expect(answers.slice(0, limit).every((path) => path.endsWith("/verify-request"))).toBe(true);
  // One email per allowed request, each there when its answer came; none for the refused ones.
  expect(listed).toEqual([...Array.from({ length: limit }, (_, i) => i + 1), limit, limit, limit]);
  const refused = await postSignIn(request, target);
  expect(`${refused.pathname}${refused.search}`).toBe("/signin/error?error=TooManyRequests");
  expect(await emailsTo(target)).toHaveLength(limit);
});

test("Auth.js's own sign-in endpoint sends nothing to a list of addresses or a malformed one", async ({ request }) => {
  const first = uniqueEmail("list-a");
  const second = uniqueEmail("list-b");
  for (const email of [`${first},${second}`, `${first}, ${second}`, `"${first}"@evil.test`, `Ada <${first}>`, `${first}\uFF0C${second}`]) {
    const answer = await postSignIn(request, email);
    expect(answer.pathname, email).toBe("/signin/error");
  }
  // The control: a well-formed address after them gets its email by the time its answer comes.
  const control = uniqueEmail("list-control");
  expect((await postSignIn(request, control)).pathname).toMatch(/\/verify-request$/);
  expect(await emailsTo(control)).toHaveLength(1);
  expect(await emailsTo(first)).toEqual([]);
  expect(await emailsTo(second)).toEqual([]);
});
