import "server-only";

import { notFound } from "next/navigation";
import { z } from "zod";

type PageParams = Record<string, string | string[] | undefined>;

/**
 * A page's query parameters, checked at the edge of the route: the ones the page reads must
 * each be one value that its schema accepts, or the visitor gets the not-found page (a 404
 * with a way back) rather than a half-understood query or a 500 further down. Parameters the
 * page does not read (say, a newsletter's `utm_*`) are left alone.
 */
export function pageParams<S extends z.ZodObject>(params: PageParams, schema: S): z.infer<S> {
  const parsed = schema.safeParse(params);
  if (!parsed.success) notFound();
  return parsed.data;
}
