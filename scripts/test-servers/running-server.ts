/** A database server the test run started, and how to stop it and delete what it left. */
export interface RunningServer {
  /** Connection string of its `postgres` database (an admin connection: create and drop databases there). */
  url: string;
  /** Stops the server and deletes its folder; safe to call twice. */
  stop: () => Promise<void>;
}
