/** `npm run keys:rotate`: re-encrypt stored credentials with the first key of TOKEN_ENCRYPTION_KEYS. */
import { closeDb } from "../lib/db/client";
import { rotateTokenKeys } from "../lib/providers/rotate-token-keys";

const summary = await rotateTokenKeys();
console.log(`re-encrypted ${summary.connections} connection(s) and ${summary.codeVerifiers} pending OAuth state(s) with the current key`);
if (summary.unreadable > 0) {
  console.error(`${summary.unreadable} value(s) could not be opened with any configured key (see the log); keep the old keys until they are resolved`);
  process.exitCode = 1;
}
await closeDb();
