"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";

import { refreshAccountsNow } from "@/lib/accounts/refresh-accounts-now";
import { accountReadFailureText } from "@/lib/accounts/read-failure";
import { validatedActionWithUser } from "@/lib/actions/validated-action";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { refreshNow } from "@/lib/connections/refresh-now";
import { renameConnection } from "@/lib/connections/rename-connection";
import { startConnect } from "@/lib/connections/start-connect";
import { reasonText } from "@/lib/failure-reasons";

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "Unknown provider").max(64);

/** Connect: start the OAuth flow and send the browser to the provider. */
export const connectProvider = validatedActionWithUser(
  z.object({
    provider: slug,
    alias: z.string().trim().max(60, "Keep the name under 60 characters.").optional(),
  }),
  async ({ provider, alias }, user) => {
    const { authorizationUrl } = await startConnect({ userId: user.id, providerSlug: provider, alias: alias || undefined });
    redirect(authorizationUrl);
  },
);

/** Reconnect: the same flow, re-activating the connection that needs the user. */
export const reconnectConnection = validatedActionWithUser(
  z.object({ provider: slug, connectionId: z.uuid() }),
  async ({ provider, connectionId }, user) => {
    const { authorizationUrl } = await startConnect({ userId: user.id, providerSlug: provider, connectionId });
    redirect(authorizationUrl);
  },
);

export const disconnectProvider = validatedActionWithUser(z.object({ connectionId: z.uuid() }), async ({ connectionId }, user) => {
  const result = await disconnectConnection({ userId: user.id, connectionId });
  revalidatePath("/connections");
  if (!result.ok) {
    return {
      status: "error",
      message:
        result.reason === "connection_not_found"
          ? "That connection was not found. It may already be disconnected."
          : "We could not disconnect it just now. Please try again.",
    };
  }
  // The row leaves the list, so the confirmation lives on the page, not beside the row.
  redirect(`/connections?${new URLSearchParams({ disconnected: result.providerSlug })}`);
});

/** Refresh now: owner only, rate-limited, refreshes even when not due. */
export const refreshConnectionNow = validatedActionWithUser(z.object({ connectionId: z.uuid() }), async ({ connectionId }, user) => {
  const outcome = await refreshNow({ userId: user.id, connectionId });
  revalidatePath("/connections");
  if (outcome.status === "failed") {
    return { status: "error", message: `The refresh did not work: ${reasonText(outcome.reason)}` };
  }
  if (outcome.status === "skipped") return { status: "error", message: "That connection cannot be refreshed right now." };
  return { status: "success", message: "Refreshed just now." };
});

/** Refresh accounts: read the connection's accounts again (owner only: the query checks it). */
export const refreshAccounts = validatedActionWithUser(z.object({ connectionId: z.uuid() }), async ({ connectionId }, user) => {
  const result = await refreshAccountsNow({ userId: user.id, connectionId });
  revalidatePath("/connections");
  if (result.status === "failed") return { status: "error", message: accountReadFailureText(result.reason) };
  if (result.status === "skipped") {
    return {
      status: "error",
      message: result.why === "not_active" ? "Only an active connection can show accounts." : "This provider has no accounts to show.",
    };
  }
  return { status: "success", message: `Read ${result.count} ${result.count === 1 ? "account" : "accounts"} just now.` };
});

/** Rename: the alias, unique per user and provider; a problem is shown beside the field. */
export const renameConnectionAlias = validatedActionWithUser(
  z.object({ connectionId: z.uuid(), alias: z.string().max(1000) }),
  async ({ connectionId, alias }, user) => {
    const result = await renameConnection({ userId: user.id, connectionId, alias });
    if (!result.ok) {
      return result.field === "alias"
        ? { status: "error", message: result.message, fieldErrors: { alias: [result.message] } }
        : { status: "error", message: result.message };
    }
    revalidatePath("/connections");
    return { status: "success", message: `Renamed to “${result.alias}”.` };
  },
);
