import type { IncomingMessage } from "node:http";

export class BodyTooLargeError extends Error {
  constructor() {
    super("request body too large");
  }
}

/** Reads and consumes a request body, for routes the sandbox answers itself. */
export async function readRequestBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

/**
 * Reads a request body and puts it back (`readable.unshift`, which Node offers
 * for exactly this kind of look-ahead), so oidc-provider still parses the
 * untouched stream itself. Handing it a pre-parsed body instead makes it print
 * a warning. Returns null when the body is over `limit`; the bytes read so far
 * are put back and oidc-provider rejects the request as usual.
 */
export async function peekRequestBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    let chunk: Buffer | null;
    while (size <= limit && (chunk = req.read() as Buffer | null) !== null) {
      chunks.push(chunk);
      size += chunk.length;
    }
    // `complete` means the whole message has been parsed into the buffer we just drained.
    if (size > limit || req.complete || req.readableEnded || req.destroyed) break;
    await nextReadable(req);
  }
  const body = Buffer.concat(chunks, size);
  // Must stay synchronous with the last read(): 'end' is only emitted on a later tick.
  if (size > 0 && !req.readableEnded) req.unshift(body);
  return size > limit ? null : body.toString("utf8");
}

function nextReadable(req: IncomingMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      cleanup();
      resolve();
    };
    const fail = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off("readable", done).off("end", done).off("close", done).off("error", fail);
    };
    req.on("readable", done).on("end", done).on("close", done).on("error", fail);
  });
}
