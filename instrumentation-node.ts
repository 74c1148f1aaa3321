import { ConfigurationError, getEnv } from "./lib/env";
import { getLogger } from "./lib/logger";
import { getProviders } from "./lib/providers/get-providers";
import { scrubConsoleErrors } from "./lib/scrub-console-errors";

/**
 * Validates the environment at start-up so a production deployment missing a secret
 * stops here, with every problem named, rather than failing on the first request.
 */
export async function registerNode(): Promise<void> {
  scrubConsoleErrors();
  try {
    const env = getEnv();
    if (env.generatedSecrets.length > 0 && env.NODE_ENV === "development") {
      console.warn(
        `[ledgerlink] using generated development values for ${env.generatedSecrets.join(", ")} (kept in ${env.DATA_DIR}/secrets.json); set them for production.`,
      );
    }
    for (const problem of getProviders().problems) getLogger().warn({ problem }, "provider left out");
    if (env.isProduction && !env.SMTP_URL) getLogger().warn("SMTP_URL is not set: no email can be sent");
    const { startSweepTimer } = await import("./lib/sweep/sweep-timer");
    startSweepTimer();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      console.error(`\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
