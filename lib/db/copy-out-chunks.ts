/**
 * The chunks of a postgres.js `COPY … TO STDOUT` stream (`sql.unsafe(text).readable()`), read
 * as they arrive, leaving the connection usable whatever happens:
 *
 * - when the reader stops early, the rest of the statement's output is read and dropped (the
 *   connection cannot run anything else before it), rather than destroying the stream, which
 *   would leave the driver pushing into a stream no one reads;
 * - postgres.js 3.4 pauses its socket while the stream is full and resumes it only from the
 *   stream's `_read`, which an ended stream never calls again: when the last rows and the end
 *   of the COPY arrive in one socket read, the socket stays paused and the connection's next
 *   query never answers (github.com/porsager/postgres/issues/499). Once the stream has ended,
 *   `_read` is called one more time to resume it.
 */
import type { Readable } from "node:stream";
import { finished } from "node:stream/promises";

export async function* copyOutChunks(stream: Readable): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream.iterator({ destroyOnReturn: false })) yield chunk as Buffer;
  } finally {
    if (!stream.readableEnded && !stream.destroyed) {
      stream.resume();
      await finished(stream);
    }
    if (stream.readableEnded) stream._read(0);
  }
}
