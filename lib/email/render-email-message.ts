import { render, unstableToPlainText } from "@react-email/render";
import type { ReactElement } from "react";

/**
 * Renders a React Email template to the HTML and plain-text parts of one message with a
 * single React render; the text is converted from that HTML. This runs for every
 * notification in the request that caused it, so it is kept cheap: react-email's newer
 * converter (`unstableTextConversion`, ~0.2 ms) instead of html-to-text (~1 ms), and no
 * second render (`render(element, { plainText: true })` renders again). The unit tests pin
 * what the text must contain (provider, time, IP, device, links).
 */
export async function renderEmailMessage(element: ReactElement): Promise<{ html: string; text: string }> {
  const html = await render(element);
  return { html, text: unstableToPlainText(html) };
}
