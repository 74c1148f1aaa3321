import { accessSync, chmodSync, constants, mkdtempSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Whether every folder from `dir` up to `/` lets other users in (the `x` bit for others). */
function traversableByOthers(dir: string): boolean {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) return false;
    if (path.dirname(current) === current) return true;
  }
}

/**
 * A fresh folder that another user can reach: as root, PostgreSQL and PgBouncer refuse to
 * run as root and switch to the `postgres` user, who must be able to open what we write.
 * The system temporary folder normally qualifies; a private TMPDIR (e.g. under a 0700
 * home) does not, and then /tmp is used.
 */
export function makeScratchDir(prefix: string): string {
  const candidate = os.tmpdir();
  const base = process.getuid?.() === 0 && !traversableByOthers(candidate) ? "/tmp" : candidate;
  accessSync(base, constants.W_OK);
  const dir = mkdtempSync(path.join(base, prefix));
  chmodSync(dir, 0o755);
  return dir;
}
