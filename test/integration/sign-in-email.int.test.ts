/**
 * The sign-in email: its link always points at APP_URL (a forged Host header must not
 * send a real token elsewhere), and nobody can flood an inbox with links.
 */
import { expect, test } from "vitest";

import { sendSignInEmail } from "@/lib/auth/send-sign-in-email";
import { allowSignInEmail, SIGN_IN_RATE_LIMITS } from "@/lib/auth/sign-in-rate-limit";
import { getEnv } from "@/lib/env";
import { runWithRequestContext } from "@/lib/request-context";
import { withSmtpCapture } from "@/test/support/use-smtp-capture";

const smtp = withSmtpCapture();

test("the link is rebuilt on APP_URL whatever origin Auth.js derived from the request", async () => {
  const to = `forged-host-${Date.now()}@example.test`;
  // What Auth.js builds when a request claims `X-Forwarded-Host: evil.example`.
  const forged = "https://evil.example/api/auth/callback/nodemailer?callbackUrl=%2Fconnections&token=t0k3n-value&email=x";
  await sendSignInEmail({ identifier: to, url: forged, expires: new Date(Date.now() + 15 * 60_000) });

  await expect.poll(() => smtp.capture().messages.filter((m) => m.to.includes(to)).length).toBe(1);
  const [mail] = smtp.capture().messages.filter((m) => m.to.includes(to));
  const appUrl = getEnv().APP_URL;
  expect(mail!.text).toContain(`${appUrl}/api/auth/callback/nodemailer?callbackUrl=%2Fconnections&token=t0k3n-value`);
  expect(`${mail!.text}\n${mail!.html}`).not.toContain("evil.example");
});

test("sign-in emails are limited per address and per client address", async () => {
  const email = `flood-${Date.now()}@example.test`;
  const results: boolean[] = [];
  for (let i = 0; i <= SIGN_IN_RATE_LIMITS.perEmail.limit; i += 1) results.push(await allowSignInEmail(email));
  expect(results).toEqual([...Array(SIGN_IN_RATE_LIMITS.perEmail.limit).fill(true), false]);
  // Other addresses from the same client, up to the per-IP limit.
  const fromOneClient = await runWithRequestContext({ ipAddress: "198.51.100.23" }, async () => {
    const answers: boolean[] = [];
    for (let i = 0; i <= SIGN_IN_RATE_LIMITS.perIp.limit; i += 1) answers.push(await allowSignInEmail(`ip-${i}-${Date.now()}@example.test`));
    return answers;
  });
  expect(fromOneClient.filter((ok) => !ok)).toHaveLength(1);
  expect(fromOneClient.at(-1)).toBe(false);
});
