/**
 * The security headers of every response, made by Nosecone (@nosecone/next): its Next.js
 * defaults (a fresh `'nonce-…'` per call in script-src, which Next puts on its own scripts;
 * `'unsafe-eval'` in development only, for React's dev tooling), narrowed or widened only
 * where this app needs it. docs/DESIGN.md §7 says why a library and why these choices.
 */
import { defaults, nosecone } from "@nosecone/next";

export interface SecurityHeaderOptions {
  /** APP_URL: HSTS only when it is https (an http deployment must not pin browsers to https). */
  appUrl: string;
  /** Origins a form may be sent on to: the providers' sign-in pages (a Connect form's redirect). */
  formTargets: string[];
}

const directives = defaults.contentSecurityPolicy.directives;

export function securityHeaders({ appUrl, formTargets }: SecurityHeaderOptions): Headers {
  return nosecone({
    ...defaults,
    contentSecurityPolicy: {
      directives: {
        ...directives,
        // Without JavaScript a Connect form is a plain POST whose 303 goes to the provider,
        // and browsers hold redirects after a form submission to form-action.
        formAction: [...directives.formAction, ...(formTargets as `${string}://${string}.${string}`[])],
        // The email preview (/dev/mailbox/<id>) is an `<iframe srcdoc>`: no URL is framed,
        // so frame-src stays 'none'; its inline styles are covered by style-src's
        // 'unsafe-inline' (React's style attributes need it anyway).
      },
    },
    // require-corp would refuse any cross-origin image an email preview might hold; nothing
    // here needs cross-origin isolation.
    crossOriginEmbedderPolicy: false,
    // Nosecone's no-referrer makes browsers send `Origin: null` on same-origin POSTs, which
    // Next then refuses as a cross-site server action. This still sends no path elsewhere.
    referrerPolicy: { policy: ["strict-origin-when-cross-origin"] },
    // frame-ancestors 'none' is the rule; X-Frame-Options says the same to older browsers.
    xFrameOptions: { action: "deny" },
    strictTransportSecurity: new URL(appUrl).protocol === "https:" ? defaults.strictTransportSecurity : false,
  });
}

/** The origins of URLs, for a CSP source list (bad or missing values are left out). */
export function originsOf(urls: (string | undefined)[]): string[] {
  const origins = new Set<string>();
  for (const url of urls) {
    if (!url) continue;
    try {
      origins.add(new URL(url).origin);
    } catch {
      // not a URL: nothing to allow
    }
  }
  return [...origins];
}
