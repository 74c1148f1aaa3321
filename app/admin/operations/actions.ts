"use server";

import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { revalidatePath } from "next/cache";
import { z } from "zod";

import { validatedActionWithUser } from "@/lib/actions/validated-action";
import { recordOperationsAccess } from "@/lib/operations/record-operations-access";
import { retryAllFailed, retryEmail, retryHandlerRun, type RetryOutcome } from "@/lib/operations/retry-work";

const target = z.union([
  z.object({ kind: z.literal("email"), id: z.uuid() }),
  z.object({ kind: z.literal("handler"), id: z.uuid(), handler: z.string().min(1).max(100) }),
  z.object({ kind: z.literal("all") }),
]);

/** "Retry now" and "Retry all failed": admins only (404 otherwise), each recorded in the audit trail. */
export const retryOperation = validatedActionWithUser(target, async (data, user) => {
  if (!user.isAdmin) notFound();
  const outcome: RetryOutcome =
    data.kind === "email"
      ? await retryEmail({ deliveryId: data.id })
      : data.kind === "handler"
        ? await retryHandlerRun({ eventId: data.id, handler: data.handler })
        : await retryAllFailed();
  await recordOperationsAccess({
    access: {
      action: "operation_retried",
      target: data.kind === "all" ? "all" : data.kind === "email" ? `email:${data.id}` : `handler:${data.id}:${data.handler}`,
      result: outcome.status,
    },
    adminId: user.id,
    headers: await headers(),
  });
  revalidatePath("/admin/operations");
  return { status: outcome.status === "sent" || outcome.status === "requeued" ? "success" : "error", message: outcome.message };
});
