import Link from "next/link";

/** "Newer" / "Older" links of a keyset-paged list; a missing direction is shown disabled. */
export function Pager({ newerHref, olderHref, label }: { newerHref: string | null; olderHref: string | null; label: string }) {
  const link = "rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-zinc-100";
  const off = "rounded-md border border-zinc-200 px-3 py-1.5 text-sm text-zinc-400";
  if (!newerHref && !olderHref) return null;
  return (
    <nav aria-label={label} className="mt-4 flex justify-between gap-3">
      {newerHref ? (
        <Link prefetch={false} href={newerHref} className={link}>
          ← Newer
        </Link>
      ) : (
        <span aria-disabled="true" className={off}>
          ← Newer
        </span>
      )}
      {olderHref ? (
        <Link prefetch={false} href={olderHref} className={link}>
          Older →
        </Link>
      ) : (
        <span aria-disabled="true" className={off}>
          Older →
        </span>
      )}
    </nav>
  );
}
