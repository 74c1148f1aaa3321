/** `npm run keys:rotate`: re-encrypt stored credentials with the first key of TOKEN_ENCRYPTION_KEYS. */
import { closeDb } from "../lib/db/client";
import { rotateTokenKeys } from "../lib/providers/rotate-token-keys";

const summary = await rotateTokenKeys();
console.log(`re-encrypted ${summary.connections} connection(s) and ${summary.codeVerifiers} pending OAuth state(s) with the current key`);
await closeDb();
