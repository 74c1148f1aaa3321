/**
 * On one machine (`npm run dev`, `npm start`) there is no Vercel Cron: the same sweep
 * (runSweep: token refreshes, then the accounts catch-up) runs on a timer inside the server.
 * Off on Vercel and when REFRESH_SWEEP_INTERVAL_SECONDS=0.
 */
import { env } from "../env";
import { getLogger } from "../logger";
import { runRecordedSweep } from "./record-sweep-run";

const globalForTimer = globalThis as typeof globalThis & { __ledgerlinkSweepTimer?: NodeJS.Timeout };

export function startSweepTimer(): void {
  if (env.VERCEL || env.REFRESH_SWEEP_INTERVAL_SECONDS === 0 || globalForTimer.__ledgerlinkSweepTimer) return;
  let running = false;
  const tick = async () => {
    if (running) return; // a slow sweep is never overlapped by the next tick
    running = true;
    try {
      await runRecordedSweep("timer");
    } catch (error) {
      getLogger().error({ err: error }, "scheduled sweep failed");
    } finally {
      running = false;
    }
  };
  globalForTimer.__ledgerlinkSweepTimer = setInterval(() => void tick(), env.REFRESH_SWEEP_INTERVAL_SECONDS * 1000);
  globalForTimer.__ledgerlinkSweepTimer.unref();
  getLogger().info({ everySeconds: env.REFRESH_SWEEP_INTERVAL_SECONDS }, "sweep timer started");
}
