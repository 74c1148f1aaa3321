"use client";

import { useEffect } from "react";

/** Shown for unexpected failures (e.g. the database is down): no stack trace, a reference, a retry. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <main id="main" className="mx-auto max-w-lg px-4 py-16">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p role="alert" className="mt-3 text-zinc-700">
        We could not load this page. This is on our side and has been logged. Please try again in a moment.
      </p>
      {error.digest ? <p className="mt-2 text-sm text-zinc-500">Reference: {error.digest}</p> : null}
      <button
        type="button"
        onClick={reset}
        className="mt-6 rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700"
      >
        Try again
      </button>
    </main>
  );
}
