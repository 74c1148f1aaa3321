/**
 * Structured logs: pino JSON lines in production, readable lines in development.
 * Every line carries the request id (and correlation id) of the request it belongs to.
 */
import pino, { type Logger } from "pino";

import { env } from "./env";
import { getRequestContext } from "./request-context";

function createLogger(): Logger {
  const options: pino.LoggerOptions = {
    level: env.LOG_LEVEL,
    base: { app: "ledgerlink" },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const context = getRequestContext();
      return context ? { requestId: context.requestId, correlationId: context.correlationId } : {};
    },
    serializers: { err: serializeError },
    // Belt and braces: credentials never reach a log line, even by mistake.
    redact: {
      paths: [
        "accessToken",
        "refreshToken",
        "*.accessToken",
        "*.refreshToken",
        "access_token",
        "refresh_token",
        "code",
        "codeVerifier",
        "clientSecret",
        "password",
        "authorization",
        "*.authorization",
      ],
      censor: "[redacted]",
    },
  };
  if (env.NODE_ENV === "development") {
    return pino(options, prettyStream());
  }
  return pino(options);
}

/**
 * Drizzle's query errors carry the statement's parameters, in `params` and in the message:
 * sealed tokens, rendered emails (a sign-in link in the development mailbox). Log the
 * statement and the database's own error, never the values.
 */
export function serializeError(error: unknown): pino.SerializedError {
  const serialized = pino.stdSerializers.err(error as Error);
  if (error instanceof Error && "query" in error && "params" in error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    serialized.message = `Failed query: ${String(error.query)}${cause}`;
    delete serialized.params;
    serialized.stack = serialized.stack?.replace(/^[\s\S]*?\n(?=\s+at )/, `${serialized.message}\n`) ?? serialized.message;
  }
  return serialized;
}

/** A synchronous, dependency-free readable format for development terminals. */
function prettyStream(): pino.DestinationStream {
  const levels: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
  return {
    write(line: string) {
      const { level, time, msg, app: _app, ...rest } = JSON.parse(line) as Record<string, unknown>;
      const extras = Object.entries(rest)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
        .join(" ");
      const clock = typeof time === "string" ? time.slice(11, 23) : "";
      process.stdout.write(`${clock} ${levels[level as number] ?? level} ${String(msg ?? "")} ${extras}\n`);
    },
  };
}

const globalForLogger = globalThis as typeof globalThis & { __ledgerlinkLogger?: Logger };

/** The app's logger (created on first use so importing it never validates the environment). */
export function getLogger(): Logger {
  globalForLogger.__ledgerlinkLogger ??= createLogger();
  return globalForLogger.__ledgerlinkLogger;
}
