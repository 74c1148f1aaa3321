import { after } from "next/server";

import { dispatchEvent } from "./dispatch-event";
import type { DomainEvent } from "./events";

/**
 * Inside a request, runs the handlers after the response is sent (Next's `after()`), so
 * the person is not kept waiting on an SMTP server; the event is already in the outbox,
 * so a process that dies first leaves it to the recovery pass (DESIGN.md §6). Outside a
 * request (scripts, tests, the sweep's own loop) `after()` is unavailable: dispatch now.
 */
export async function dispatchAfterResponse(event: DomainEvent): Promise<void> {
  try {
    after(async () => {
      await dispatchEvent(event);
    });
  } catch {
    await dispatchEvent(event);
  }
}
