import postgres from "postgres";

import { e2eDatabaseUrl } from "./e2e-env";

/** Direct read access to the e2e database, to check what the browser did. */
export const sql = postgres(e2eDatabaseUrl, { max: 2, onnotice: () => {} });
