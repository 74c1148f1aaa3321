import Link from "next/link";

import { signOut } from "@/lib/auth/auth";
import type { SignedInUser } from "@/lib/auth/guards";

import { NavLink } from "./nav-link";

async function signOutAction() {
  "use server";
  await signOut({ redirectTo: "/signin" });
}

export function AppHeader({ user }: { user: SignedInUser | null }) {
  return (
    <header className="border-b border-zinc-200 bg-white">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
        <Link href="/connections" className="mr-2 text-lg font-bold">
          Ledgerlink
        </Link>
        {user ? (
          <>
            <nav aria-label="Main" className="flex flex-wrap gap-1">
              <NavLink href="/connections">Connections</NavLink>
              <NavLink href="/activity">Activity</NavLink>
              <NavLink href="/settings">Settings</NavLink>
              {user.isAdmin ? <NavLink href="/admin/audit">Admin</NavLink> : null}
              {user.isAdmin ? <NavLink href="/admin/operations">Operations</NavLink> : null}
            </nav>
            <div className="ml-auto flex items-center gap-3">
              <span className="max-w-[12rem] truncate text-sm text-zinc-600" title={user.email}>
                {user.email}
              </span>
              <form action={signOutAction}>
                <button type="submit" className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100">
                  Sign out
                </button>
              </form>
            </div>
          </>
        ) : null}
      </div>
    </header>
  );
}
