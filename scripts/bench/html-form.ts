/**
 * Just enough HTML reading to act like a browser without JavaScript: find a form by its
 * accessible name and collect what submitting it would send (its inputs, hidden ones
 * included: React renders a server action's `$ACTION_…` fields there), plus the text of
 * an element by role. Not a general HTML parser: it reads the markup Ledgerlink renders.
 */
export interface ParsedForm {
  action: string | null;
  method: string;
  enctype: string | null;
  /** In document order; a name may repeat. */
  fields: Array<[name: string, value: string]>;
}

const ATTRIBUTE = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|quot|apos|lt|gt|nbsp);/gi, (_, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower.startsWith("#x")) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith("#")) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return { amp: "&", quot: '"', apos: "'", lt: "<", gt: ">", nbsp: "\u00a0" }[lower] ?? "";
  });
}

function attributes(tag: string): Map<string, string> {
  const found = new Map<string, string>();
  const inner = tag.replace(/^<\s*[\w-]+/, "").replace(/\/?>$/, "");
  for (const match of inner.matchAll(ATTRIBUTE)) {
    const name = match[1]!.toLowerCase();
    if (!found.has(name)) found.set(name, decodeEntities(match[2] ?? match[3] ?? match[4] ?? ""));
  }
  return found;
}

/** The form whose `aria-label` is `name`, or null. */
export function findForm(html: string, name: string): ParsedForm | null {
  for (const match of html.matchAll(/<form\b[^>]*>/gi)) {
    const attrs = attributes(match[0]);
    if (attrs.get("aria-label") !== name) continue;
    const start = match.index + match[0].length;
    const end = html.indexOf("</form>", start);
    const body = html.slice(start, end === -1 ? undefined : end);
    const fields: ParsedForm["fields"] = [];
    for (const input of body.matchAll(/<input\b[^>]*>/gi)) {
      const field = attributes(input[0]);
      const fieldName = field.get("name");
      const type = (field.get("type") ?? "text").toLowerCase();
      if (!fieldName || field.has("disabled") || ["submit", "button", "image", "reset", "file"].includes(type)) continue;
      if ((type === "checkbox" || type === "radio") && !field.has("checked")) continue;
      fields.push([fieldName, field.get("value") ?? (type === "checkbox" || type === "radio" ? "on" : "")]);
    }
    return {
      action: attrs.get("action") ?? null,
      method: (attrs.get("method") ?? "get").toLowerCase(),
      enctype: attrs.get("enctype") ?? null,
      fields,
    };
  }
  return null;
}

/** The visible text of every element with `role="<role>"` (tags and React's `<!-- -->` markers removed). */
export function textsByRole(html: string, role: string): string[] {
  const texts: string[] = [];
  const opening = new RegExp(`<(\\w+)\\b[^>]*\\brole="${role}"[^>]*>`, "gi");
  for (const match of html.matchAll(opening)) {
    const start = match.index + match[0].length;
    const end = html.indexOf(`</${match[1]}>`, start);
    const inner = html.slice(start, end === -1 ? undefined : end);
    texts.push(decodeEntities(inner.replace(/<!--[\s\S]*?-->/g, "").replace(/<[^>]+>/g, "")).replace(/\s+/g, " ").trim());
  }
  return texts;
}
