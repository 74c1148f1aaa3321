/**
 * A plain, friendly page for a route handler that refuses a request (pages use notFound(),
 * which renders app/not-found.tsx). No script, nothing from the request echoed back.
 */
export function errorPage(status: 400 | 404, { title, body }: { title: string; body: string }): Response {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Ledgerlink</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem; color: #18181b">
<main id="main"><h1>${title}</h1><p>${body}</p><p><a href="/connections">Go to your connections</a></p></main>
</body></html>`;
  return new Response(html, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}

export const PAGE_NOT_FOUND = { title: "Page not found", body: "There is nothing at this address." };
