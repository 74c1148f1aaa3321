/**
 * History for the audit chain's tests: `count` successful scheduled refreshes, one a minute from
 * `from`, each of its own connection, all of one new user, appended through the real writer.
 * Answers the ids of the events appended, oldest first.
 */
import { appendPastRun } from "./append-workflow-run";
import { createTestUser } from "./test-users";

export async function appendPastRefreshes(count: number, { from }: { from: Date }): Promise<string[]> {
  const user = await createTestUser();
  const eventIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const { events } = await appendPastRun({
      workflow: "refresh",
      outcome: "succeeded",
      userId: user.id,
      providerSlug: "sandbox-bank",
      providerName: "Sandbox Bank",
      connectionId: crypto.randomUUID(),
      actor: { type: "system" },
      startedAt: new Date(from.getTime() + i * 60_000),
      durationMs: 300,
    });
    eventIds.push(...events.map((e) => e.eventId));
  }
  return eventIds;
}
