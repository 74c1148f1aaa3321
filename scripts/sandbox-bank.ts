/**
 * Runs the Sandbox Bank on its own (`npm run sandbox-bank`).
 *
 * Without options it uses the app's environment (lib/env.ts), so it serves the
 * client the app expects. Options, or a JSON file of SandboxBankOptions, run
 * it standalone:
 *
 *   npm run sandbox-bank -- --issuer http://localhost:3001 --client-id ledgerlink \
 *     --client-secret s3cret --redirect-uri http://localhost:3000/connections/callback/sandbox-bank \
 *     --control-secret ctl
 *   npm run sandbox-bank -- --config sandbox-bank.json
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";

import { type SandboxBankOptions, startSandboxBank } from "../lib/providers/sandbox-bank/server";

const USAGE = `Usage: npm run sandbox-bank [-- options]
  (no options)               use the app's environment (SANDBOX_BANK_URL, AUTH_SECRET, APP_URL)
  --config <file.json>       SandboxBankOptions as JSON; the options below override it
  --issuer <url>             e.g. http://localhost:3001
  --port <n>                 listen port (default: the issuer's; 0 = any free port)
  --host <address>           interface to listen on (default: localhost; 0.0.0.0 = all)
  --client-id <id>  --client-secret <secret>  --redirect-uri <uri> (repeatable)
  --control-secret <secret>  bearer token for /sandbox/control
  --access-token-ttl <s>  --refresh-token-ttl <s>  --short-lived-ttl <s>  --slow-ms <ms>`;

const positive = z.coerce.number().int().positive();
const optionsSchema = z.object({
  issuer: z.url(),
  port: z.coerce.number().int().min(0).max(65535).optional(),
  // A development tool: reachable from this machine only, unless asked.
  host: z.string().min(1).default("localhost"),
  clients: z
    .array(
      z.object({
        clientId: z.string().min(1),
        clientSecret: z.string().min(1),
        redirectUris: z.array(z.url()).min(1),
      }),
    )
    .min(1),
  controlSecret: z.string().min(1),
  accessTokenTtlSeconds: positive.optional(),
  refreshTokenTtlSeconds: positive.optional(),
  shortLivedAccessTokenTtlSeconds: positive.optional(),
  slowResponseMs: z.coerce.number().int().min(0).optional(),
  quiet: z.boolean().optional(),
});

function optionsFromArgs(): SandboxBankOptions | null {
  const { values } = parseArgs({
    options: {
      config: { type: "string" },
      issuer: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      "client-id": { type: "string" },
      "client-secret": { type: "string" },
      "redirect-uri": { type: "string", multiple: true },
      "control-secret": { type: "string" },
      "access-token-ttl": { type: "string" },
      "refresh-token-ttl": { type: "string" },
      "short-lived-ttl": { type: "string" },
      "slow-ms": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (Object.keys(values).length === 0) return null;

  const file: Record<string, unknown> = values.config ? JSON.parse(readFileSync(values.config, "utf8")) : {};
  const client = (file.clients as Array<Record<string, unknown>> | undefined)?.[0] ?? {};
  const merged = {
    ...file,
    issuer: values.issuer ?? file.issuer,
    port: values.port ?? file.port,
    host: values.host ?? file.host,
    clients:
      values["client-id"] || values["client-secret"] || values["redirect-uri"]
        ? [
            {
              clientId: values["client-id"] ?? client.clientId,
              clientSecret: values["client-secret"] ?? client.clientSecret,
              redirectUris: values["redirect-uri"] ?? client.redirectUris,
            },
          ]
        : file.clients,
    controlSecret: values["control-secret"] ?? file.controlSecret,
    accessTokenTtlSeconds: values["access-token-ttl"] ?? file.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: values["refresh-token-ttl"] ?? file.refreshTokenTtlSeconds,
    shortLivedAccessTokenTtlSeconds: values["short-lived-ttl"] ?? file.shortLivedAccessTokenTtlSeconds,
    slowResponseMs: values["slow-ms"] ?? file.slowResponseMs,
  };
  const parsed = optionsSchema.safeParse(merged);
  if (!parsed.success) {
    console.error(`${z.prettifyError(parsed.error)}\n\n${USAGE}`);
    process.exit(2);
  }
  return parsed.data;
}

async function main() {
  const options = optionsFromArgs();
  let bank;
  if (options) {
    bank = await startSandboxBank(options);
  } else {
    const { getEnv } = await import("../lib/env");
    const { startSandboxBankFromEnv } = await import("./sandbox-bank-from-env");
    bank = await startSandboxBankFromEnv(getEnv());
  }
  const stop = () => void bank.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
