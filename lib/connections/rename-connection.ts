import "server-only";

/**
 * Rename a connection (its alias). The alias tells one person's connections to the same
 * provider apart, so it is unique per user and provider among live connections; the partial
 * unique index `provider_connections_alias_uq` is the last word when two renames race.
 */
import { z } from "zod";

import { getDb } from "../db/client";
import { aliasesInUse, findOwnedConnection, setAlias } from "./queries";

export const ALIAS_MAX_LENGTH = 60;

export const aliasSchema = z
  .string()
  .trim()
  .min(1, "Give the connection a name.")
  .max(ALIAS_MAX_LENGTH, `Keep the name under ${ALIAS_MAX_LENGTH} characters.`);

export type RenameResult = { ok: true; alias: string } | { ok: false; field: "alias" | "connection"; message: string };

const DUPLICATE = "You already have a connection with this name at this provider.";

export async function renameConnection({
  userId,
  connectionId,
  alias: raw,
}: {
  userId: string;
  connectionId: string;
  alias: string;
}): Promise<RenameResult> {
  const parsed = aliasSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, field: "alias", message: parsed.error.issues[0]!.message };
  const alias = parsed.data;
  const db = await getDb();
  try {
    return await db.transaction(async (tx) => {
      const connection = await findOwnedConnection({ db: tx, userId, connectionId, forUpdate: true });
      if (!connection || connection.status === "disconnected") {
        return { ok: false, field: "connection", message: "That connection was not found." } as const;
      }
      const others = await aliasesInUse({ db: tx, userId, providerSlug: connection.providerSlug });
      if (others.some((c) => c.id !== connectionId && c.alias.toLowerCase() === alias.toLowerCase())) {
        return { ok: false, field: "alias", message: DUPLICATE } as const;
      }
      await setAlias(tx, { connectionId, userId, alias });
      return { ok: true, alias } as const;
    });
  } catch (error) {
    // A concurrent rename took the name between our check and our write.
    if (isUniqueViolation(error)) return { ok: false, field: "alias", message: DUPLICATE };
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}
