import Link from "next/link";

export default function NotFound() {
  return (
    <main id="main" className="mx-auto max-w-lg px-4 py-16">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="mt-3 text-zinc-700">There is nothing at this address.</p>
      <Link href="/connections" className="mt-6 inline-block underline">
        Go to your connections
      </Link>
    </main>
  );
}
