"use server";

import { notFound } from "next/navigation";
import { createElement, type ReactNode } from "react";
import { z } from "zod";

import { AuditRunDetails } from "@/components/audit/audit-run-details";
import { validatedReadWithUser } from "@/lib/actions/validated-action";
import { openRunDetails } from "@/lib/audit/open-run-details";
import { timelineZone, timelineZoneParam } from "@/lib/audit/queries/timeline-zone";

const openRun = z.object({
  viewId: z.uuid(),
  correlationId: z.uuid(),
  pass: z.string().max(100),
  tz: timelineZoneParam,
});

export type OpenedRun = { status: "opened"; details: ReactNode };

/**
 * A timeline run's events, metadata and emails, rendered when the admin opens the run: part of
 * the recorded view that listed it (its pass says which), so no new audit row. Admins only
 * (404 otherwise, as the page).
 */
export const openAuditRun = validatedReadWithUser(openRun, async (data, user): Promise<OpenedRun | { status: "error"; message: string }> => {
  if (!user.isAdmin) notFound();
  const opened = await openRunDetails({ adminId: user.id, viewId: data.viewId, correlationId: data.correlationId, pass: data.pass });
  if (opened.status === "error") return opened;
  const zone = timelineZone(data.tz, user.timeZone);
  return { status: "opened", details: createElement(AuditRunDetails, { run: opened.run, timeZone: zone.zone, tz: data.tz }) };
});
