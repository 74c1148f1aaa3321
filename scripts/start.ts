/** `npm start`: the production server on one machine (after `npm run build`), against DATABASE_URL. */
import { runApp } from "./run-app";

// `next start` is production; so is everything this launcher validates and migrates.
Object.assign(process.env, { NODE_ENV: process.env.NODE_ENV ?? "production" });
await runApp("start");
