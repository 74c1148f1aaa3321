/**
 * Captures the app's own log lines (lib/logger.ts, with its redaction and request-context
 * mixin intact) by swapping the destination of the real logger, so a test can assert on
 * what was logged, or scan it for credentials. Always `restore()` (e.g. in afterEach).
 */
import pino from "pino";
import { afterAll, beforeAll } from "vitest";

import { getLogger } from "@/lib/logger";

export interface LogCapture {
  /** Each line parsed from JSON. */
  lines: Record<string, unknown>[];
  /** Each line exactly as written. */
  raw: string[];
  clear(): void;
  restore(): void;
}

type LoggerInternals = Record<symbol, unknown>;

export function captureLogs({ level = "info" }: { level?: pino.LevelWithSilent } = {}): LogCapture {
  const logger = getLogger();
  const internals = logger as unknown as LoggerInternals;
  const streamSym = pino.symbols.streamSym;
  const originalStream = internals[streamSym];
  const originalLevel = logger.level;
  const capture: LogCapture = {
    lines: [],
    raw: [],
    clear() {
      capture.lines.length = 0;
      capture.raw.length = 0;
    },
    restore() {
      internals[streamSym] = originalStream;
      logger.level = originalLevel;
    },
  };
  internals[streamSym] = {
    write(line: string) {
      capture.raw.push(line);
      for (const part of line.split("\n")) if (part.trim()) capture.lines.push(JSON.parse(part) as Record<string, unknown>);
    },
  };
  logger.level = level;
  return capture;
}

/**
 * The same for a whole test file: captures from `beforeAll` to `afterAll`. The logger reads the
 * environment, so register it after `withSmtpCapture()`. Reading the capture before it started throws.
 */
export function withLogCapture(options: { level?: pino.LevelWithSilent } = {}): Omit<LogCapture, "restore"> {
  let current: LogCapture | undefined;
  beforeAll(() => {
    current = captureLogs(options);
  });
  afterAll(() => current?.restore());
  const running = () => {
    if (!current) throw new Error("withLogCapture: the capture starts in beforeAll");
    return current;
  };
  return {
    get lines() {
      return running().lines;
    },
    get raw() {
      return running().raw;
    },
    clear: () => running().clear(),
  };
}
