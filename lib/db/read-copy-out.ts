/**
 * Hands each chunk of a postgres.js `COPY … TO STDOUT` stream (`sql.unsafe(text).readable()`)
 * to `onChunk` as it arrives, in the socket's own callback: nothing is buffered or joined, and
 * the socket waits while `onChunk` works, so memory stays flat. `onChunk` answers false to stop;
 * the rest of the statement's output is then read and dropped (the connection can run nothing
 * else before it ends). Resolves once the output has ended; rejects with the statement's error,
 * or, once the output has ended, with what `onChunk` threw.
 *
 * postgres.js 3.4 pauses its socket while the stream is full and resumes it only from the
 * stream's `_read`, which an ended stream never calls again: when rows that arrived before the
 * listener and the end of the COPY come in one socket read, the socket would stay paused and the
 * connection's next query never answer (github.com/porsager/postgres/issues/499). At the end,
 * `_read` is called once more to resume it.
 */
import type { Readable } from "node:stream";

export function readCopyOut(stream: Readable, onChunk: (chunk: Buffer) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    // An error that came in the same socket read as the start of the output has destroyed the
    // stream before anyone could listen: say so rather than wait for an end that never comes.
    if (stream.errored || stream.destroyed) {
      reject(stream.errored ?? new Error("the COPY output stream was closed before it was read"));
      return;
    }
    let reading = true;
    let failure: { error: unknown } | null = null;
    stream.on("data", (chunk: Buffer) => {
      if (!reading) return;
      try {
        reading = onChunk(chunk);
      } catch (error) {
        // Not into the driver's socket callback: it would take it for its own failure.
        reading = false;
        failure = { error };
      }
    });
    stream.once("error", reject);
    stream.once("end", () => {
      try {
        stream._read(0);
      } catch {
        // The connection closed meanwhile: there is no socket left to resume.
      }
      if (failure) reject(failure.error);
      else resolve();
    });
  });
}
