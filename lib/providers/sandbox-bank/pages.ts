/** The Sandbox Bank's server-rendered pages: plain HTML forms, no client script. */

/**
 * The consent page's radio groups, named as their form fields: each choice's posted value and
 * what the page says. `outcome` is how the bank answers the token request; `accounts` is how
 * the accounts API (`GET /fdx/v6/accounts`) answers for this username.
 */
export const CONSENT_CHOICES = {
  outcome: {
    approve: "Approve (normal tokens)",
    short_lived: "Approve with short-lived tokens",
    token_error: "Token endpoint error",
    invalid_client: "Reject client credentials",
    unavailable: "Bank unavailable (503)",
    slow: "Slow token response",
  },
  accounts: {
    ok: "Accounts API works",
    error: "Accounts API fails (500)",
    rate_limited: "Accounts API rate-limited (429)",
    slow: "Accounts API slow",
  },
} as const satisfies Record<string, Record<string, string>>;
type ChoiceGroup = keyof typeof CONSENT_CHOICES;
export type Outcome = keyof typeof CONSENT_CHOICES.outcome;

/** Whether `value` (a posted form field, say) is one of the choices of `group`. */
export function isChoice<G extends ChoiceGroup>(group: G, value: unknown): value is keyof (typeof CONSENT_CHOICES)[G] {
  return typeof value === "string" && Object.hasOwn(CONSENT_CHOICES[group], value);
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f1f4f8;color:#1b2430}
main{max-width:28rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px rgb(0 0 0/.12)}
h1{margin:0 0 .25rem;font-size:1.5rem;color:#0b4f8a}
.lead{margin:0 0 1.5rem;color:#4a5563}
label{font-weight:600}
input[type=text]{display:block;width:100%;margin:.35rem 0 1.25rem;padding:.55rem .7rem;font:inherit;border:1px solid #9aa5b4;border-radius:6px}
fieldset{margin:0 0 1.5rem;padding:.75rem 1rem;border:1px solid #c9d1dc;border-radius:8px}
legend{padding:0 .35rem;font-weight:600}
fieldset div{display:flex;gap:.5rem;align-items:center;padding:.2rem 0}
fieldset label{font-weight:400}
.actions{display:flex;gap:.75rem}
button{flex:1;padding:.65rem 1rem;font:inherit;font-weight:600;border-radius:6px;border:1px solid #0b4f8a;cursor:pointer}
button[value=continue]{background:#0b4f8a;color:#fff}
button[value=deny]{background:#fff;color:#0b4f8a}
:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
[role=alert]{padding:.75rem 1rem;margin:0 0 1.25rem;border-radius:6px;background:#fdecea;color:#8a1c12}
.note{margin:1.5rem 0 0;font-size:.85rem;color:#6b7684}
code{font-size:.9em}
`;

export function layout(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${content}
</main>
</body>
</html>`;
}

export interface ConsentPageInput {
  action: string;
  clientId: string;
  scopes: string[];
  username: string;
  outcome: Outcome;
  error?: string;
}

/** A fieldset of radio buttons for the form field `name`, with `checked` selected. */
function radioGroup(name: ChoiceGroup, legend: string, checked: string): string {
  const radios = Object.entries(CONSENT_CHOICES[name]).map(
    ([value, label]) => `<div>
<input type="radio" id="${name}-${value}" name="${name}" value="${value}"${value === checked ? " checked" : ""}>
<label for="${name}-${value}">${escapeHtml(label)}</label>
</div>`,
  );
  return `<fieldset>
<legend>${escapeHtml(legend)}</legend>
${radios.join("\n")}
</fieldset>`;
}

/** Sign-in and consent in one step: a login name, an outcome, Continue or Deny. */
export function consentPage(input: ConsentPageInput): string {
  const error = input.error ? `<p role="alert">${escapeHtml(input.error)}</p>` : "";
  return layout(
    "Sandbox Bank",
    `<h1>Sandbox Bank</h1>
<p class="lead"><strong>${escapeHtml(input.clientId)}</strong> asks to access your accounts (${escapeHtml(input.scopes.join(", ") || "no scopes")}).</p>
${error}
<form method="post" action="${escapeHtml(input.action)}">
<label for="username">Username</label>
<input type="text" id="username" name="username" value="${escapeHtml(input.username)}" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64">
${radioGroup("outcome", "Outcome", input.outcome)}
${radioGroup("accounts", "Accounts API", "ok")}
<div class="actions">
<button type="submit" name="action" value="continue">Continue</button>
<button type="submit" name="action" value="deny" formnovalidate>Deny</button>
</div>
</form>
<p class="note">A test bank: any username works, and the outcome decides how its token endpoint answers for that username.</p>`,
  );
}

export function messagePage(heading: string, message: string): string {
  return layout(
    "Sandbox Bank",
    `<h1>Sandbox Bank</h1>
<h2>${escapeHtml(heading)}</h2>
<p role="alert">${escapeHtml(message)}</p>
<p class="note">Go back to the app and start again.</p>`,
  );
}

export function homePage(issuer: string): string {
  return layout(
    "Sandbox Bank",
    `<h1>Sandbox Bank</h1>
<p class="lead">A local OAuth 2.0 / OpenID Connect bank for trying connections and their failures.</p>
<p>Discovery: <a href="/.well-known/openid-configuration"><code>${escapeHtml(issuer)}/.well-known/openid-configuration</code></a></p>`,
  );
}
