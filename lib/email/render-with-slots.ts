/**
 * Notifications of one kind differ from one another in a few plain-text values (a time, an IP
 * address, a device name): the "slots". Rendering React Email templates (~1–2 ms per email) and
 * converting the HTML to text (~0.3 ms) is most of an email's CPU, so `renderWithSlots` renders
 * each shape (a template and every prop that is not a slot) once, with markers in the slots,
 * and fills the markers per email: a few string joins.
 *
 * The result is byte for byte what `renderEmailMessage(createElement(template, props))` gives:
 * - a slot is text content: React writes it escaped (& < > " '), the text converter writes it
 *   decoded, i.e. as is, and a marker in its place is one such text, so filling it with the
 *   escaped (HTML) or plain (text) value gives what rendering the value would;
 * - values the text converter would reshape (tabs, newlines, zero-width spaces, runs of
 *   spaces, spaces at either end), empty ones (React writes nothing for "", which changes the
 *   text around it), ones that are not well-formed Unicode or contain a marker character are
 *   rendered in full instead, as are props passed as slots that are not strings;
 * - the first email of each shape is rendered in full as well and compared: if the two differ
 *   (a template using a slot some other way, its length in the preview text say), that shape
 *   is rendered in full from then on and a warning names it. Speed is lost, never bytes.
 * The unit test (render-with-slots.test.ts) compares both ways over many values.
 */
import { createElement, type FunctionComponent } from "react";

import { getLogger } from "../logger";
import { renderEmailMessage } from "./render-email-message";

export interface RenderedMessage {
  html: string;
  text: string;
}

/** Private-use characters: never in a value that is filled (see `isFillable`). */
const MARK_OPEN = "\uE000";
const MARK_CLOSE = "\uE001";
const MARKER = /\uE000(\d+)\uE001/;
const marker = (index: number) => `${MARK_OPEN}${index}${MARK_CLOSE}`;

/** What the text converter (react-email's unstableToPlainText) treats as white space, and the marker range. */
const RESHAPED = /[\u0000-\u001f\u007f\u200b\uE000-\uF8FF]|^ | $| {2}/;

function isFillable(value: unknown): value is string {
  return typeof value === "string" && value !== "" && value.isWellFormed() && !RESHAPED.test(value);
}

/** React's escaping of text and attribute values. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#x27;"));
}

interface Skeleton {
  /** Static parts around the slots: parts[0] slot parts[1] slot … parts[n]. */
  html: { parts: string[]; slots: number[] };
  text: { parts: string[]; slots: number[] };
}

interface Shape {
  skeleton: Promise<Skeleton | null>;
  /** Compared with a full render once; false after a mismatch. */
  state: "unchecked" | "checking" | "verified" | "broken";
}

/** Shapes are few (templates × providers × which optional lines show); the bound only guards memory. */
const MAX_SHAPES = 500;
const shapes = new Map<string, Shape>();

function split(rendered: string, slotCount: number): { parts: string[]; slots: number[] } | null {
  const pieces = rendered.split(MARKER);
  const parts: string[] = [];
  const slots: number[] = [];
  for (let i = 0; i < pieces.length; i++) {
    if (i % 2 === 0) parts.push(pieces[i]!);
    else slots.push(Number(pieces[i]));
  }
  // A marker that did not come through whole (cut, escaped, reordered into an attribute…) leaves its characters behind.
  if (parts.some((part) => part.includes(MARK_OPEN) || part.includes(MARK_CLOSE))) return null;
  if (slots.some((slot) => !(slot >= 0 && slot < slotCount))) return null;
  return { parts, slots };
}

function fill({ parts, slots }: { parts: string[]; slots: number[] }, values: string[]): string {
  let out = parts[0]!;
  for (let i = 0; i < slots.length; i++) out += values[slots[i]!]! + parts[i + 1]!;
  return out;
}

async function buildSkeleton<P extends object>(template: FunctionComponent<P>, props: P, slotNames: string[]): Promise<Skeleton | null> {
  const marked = { ...props } as Record<string, unknown>;
  slotNames.forEach((name, i) => (marked[name] = marker(i)));
  const { html, text } = await renderEmailMessage(createElement(template, marked as P));
  const htmlParts = split(html, slotNames.length);
  const textParts = split(text, slotNames.length);
  return htmlParts && textParts ? { html: htmlParts, text: textParts } : null;
}

/**
 * Renders `template` with `props`, reusing the rendering of earlier emails of the same shape:
 * `slots` names the props that vary per email (plain text shown as is). `name` identifies the
 * template in the cache key (a component's own name may be minified away).
 */
export async function renderWithSlots<P extends object>(
  name: string,
  template: FunctionComponent<P>,
  props: P,
  slots: readonly (keyof P & string)[],
): Promise<RenderedMessage> {
  const values = props as Record<string, unknown>;
  const full = () => renderEmailMessage(createElement(template, props));
  // Slots that hold no value this time (a scheduled refresh has no IP address) are part of the shape.
  const filled = slots.filter((slot) => values[slot] !== null && values[slot] !== undefined);
  if (!filled.every((slot) => isFillable(values[slot]))) return full();

  const shapeProps = Object.fromEntries(Object.entries(values).filter(([key]) => !filled.includes(key as keyof P & string)));
  const key = JSON.stringify([name, filled, Object.entries(shapeProps).sort(([a], [b]) => (a < b ? -1 : 1))]);
  let shape = shapes.get(key);
  if (!shape) {
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    shape = { skeleton: buildSkeleton(template, props, filled).catch(() => null), state: "unchecked" };
    shapes.set(key, shape);
  }
  const skeleton = await shape.skeleton;
  if (!skeleton || shape.state === "broken" || shape.state === "checking") return full();

  const slotValues = filled.map((slot) => values[slot] as string);
  const message = { html: fill(skeleton.html, slotValues.map(escapeHtml)), text: fill(skeleton.text, slotValues) };
  if (shape.state === "verified") return message;

  shape.state = "checking";
  const rendered = await full();
  if (rendered.html === message.html && rendered.text === message.text) {
    shape.state = "verified";
  } else {
    shape.state = "broken";
    getLogger().warn({ template: name, slots: filled }, "an email's slots cannot be filled in its rendering; it is rendered in full");
  }
  return rendered;
}
