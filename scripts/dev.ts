/** `npm run dev`: PGlite + Sandbox Bank + development mailbox, no configuration needed. */
import { runApp } from "./run-app";

await runApp("dev");
