import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { after, type NextRequest } from "next/server";

import { readAccounts } from "@/lib/accounts/read-accounts";
import { auth } from "@/lib/auth/auth";
import { completeConnect } from "@/lib/connections/complete-connect";
import { env } from "@/lib/env";
import { errorPage, PAGE_NOT_FOUND } from "@/lib/http/error-page";
import { getLogger } from "@/lib/logger";
import { findProvider } from "@/lib/providers/find-provider";
import { contextFromHeaders, runWithRequestContext, type RequestContext } from "@/lib/request-context";

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
  const context: Partial<RequestContext> = { ...contextFromHeaders(await headers()), actor: { type: "user", userId: user.id } };
  const result = await runWithRequestContext(context, () => completeConnect({ userId: user.id, providerSlug: provider, callbackUrl }));
  if (result.ok) {
    const { connectionId } = result;
    // The first accounts read runs after the response, so a slow bank never delays the page.
    // If this process dies first, the sweep catches it up (lib/accounts/catch-up-first-reads.ts).
    after(() =>
      runWithRequestContext(context, () => readAccounts({ userId: user.id, connectionId, trigger: "connect" })).catch((error: unknown) =>
        getLogger().error({ err: error, connectionId }, "accounts read after connect crashed"),
      ),
    );
  }

  const target = new URLSearchParams({ provider: result.providerSlug });
  if (result.ok) target.set("connected", result.connectionId);
  else target.set("error", result.reason);
  redirect(`/connections?${target}`);
}
