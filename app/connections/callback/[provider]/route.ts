import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { NextRequest } from "next/server";

import { auth } from "@/lib/auth/auth";
import { completeConnect } from "@/lib/connections/complete-connect";
import { env } from "@/lib/env";
import { errorPage, PAGE_NOT_FOUND } from "@/lib/http/error-page";
import { findProvider } from "@/lib/providers/find-provider";
import { contextFromHeaders, runWithRequestContext } from "@/lib/request-context";

/** The OAuth redirect URI: `${APP_URL}/connections/callback/<slug>`. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ provider: string }> }) {
  const { provider } = await params;
  // Only a configured provider has a callback: anything else is answered here, before a
  // session lookup or an event, so a made-up slug never reaches the audit log.
  if (!findProvider(provider)) return errorPage(404, PAGE_NOT_FOUND);
  // Rebuild the URL on APP_URL: it must match the registered redirect URI exactly.
  const callbackUrl = new URL(`${env.APP_URL}/connections/callback/${encodeURIComponent(provider)}${request.nextUrl.search}`);

  const session = await auth();
  // Without a session the state cannot be checked against a user. Never carry the code
  // and state on through /signin: they would end up in the magic-link email.
  if (!session?.user?.id) redirect("/signin?callbackUrl=%2Fconnections");
  const user = session.user;
  const result = await runWithRequestContext(
    { ...contextFromHeaders(await headers()), actor: { type: "user", userId: user.id } },
    () => completeConnect({ userId: user.id, providerSlug: provider, callbackUrl }),
  );

  const target = new URLSearchParams({ provider: result.providerSlug });
  if (result.ok) target.set("connected", result.connectionId);
  else target.set("error", result.reason);
  redirect(`/connections?${target}`);
}
