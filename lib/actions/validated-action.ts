import "server-only";

import { randomUUID } from "node:crypto";

import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";

import { auth } from "../auth/auth";
import type { SignedInUser } from "../auth/guards";
import { getLogger } from "../logger";
import { contextFromHeaders, runWithRequestContext, type Actor } from "../request-context";
import { ExpectedError } from "../errors";
import type { ActionState } from "./action-state";

type Handler<S extends z.ZodType, U> = (data: z.infer<S>, user: U) => Promise<ActionState>;

async function run<S extends z.ZodType, T = ActionState>(
  schema: S,
  formData: FormData,
  actor: Actor,
  handler: (data: z.infer<S>) => Promise<T | ActionState>,
): Promise<T | ActionState> {
  const parsed = schema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    return {
      status: "error",
      message: "Please check the highlighted fields.",
      fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>,
    };
  }
  const context = { ...contextFromHeaders(await headers()), actor };
  return runWithRequestContext(context, async () => {
    try {
      return await handler(parsed.data);
    } catch (error) {
      unstable_rethrow(error); // redirect() and notFound() are control flow, not failures
      if (error instanceof ExpectedError) return { status: "error", message: error.message };
      const errorId = randomUUID().slice(0, 8);
      getLogger().error({ err: error, errorId }, "server action failed");
      return { status: "error", message: `Something went wrong on our side (reference ${errorId}). Please try again.` };
    }
  });
}

/** A server action anyone may call: zod-parse the form, then run the use-case. */
export function validatedAction<S extends z.ZodType>(schema: S, handler: Handler<S, null>) {
  return async (_previous: ActionState, formData: FormData): Promise<ActionState> =>
    run(schema, formData, { type: "system" }, (data) => handler(data, null));
}

/**
 * A server action for signed-in users that answers with more than a state, such as a part of a
 * page rendered on the server (a timeline run's details): the same session check, parse,
 * request context and error handling; `T` is what the handler answers when all went well.
 */
export function validatedReadWithUser<S extends z.ZodType, T>(schema: S, handler: (data: z.infer<S>, user: SignedInUser) => Promise<T | ActionState>) {
  return async (formData: FormData): Promise<T | ActionState> => {
    const session = await auth();
    if (!session?.user?.id) return { status: "error", message: "Your session has ended. Please sign in again." };
    const user = session.user;
    return run<S, T>(schema, formData, { type: "user", userId: user.id }, (data) => handler(data, user));
  };
}

/** A server action for signed-in users: session check → zod parse → use-case, with request context. */
export function validatedActionWithUser<S extends z.ZodType>(schema: S, handler: Handler<S, SignedInUser>) {
  return async (_previous: ActionState, formData: FormData): Promise<ActionState> => {
    const session = await auth();
    if (!session?.user?.id) return { status: "error", message: "Your session has ended. Please sign in again." };
    const user = session.user;
    return run(schema, formData, { type: "user", userId: user.id }, (data) => handler(data, user));
  };
}
