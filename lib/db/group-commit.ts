/**
 * Group commit for writes (and reads) that many concurrent requests make at once. A write goes
 * out at once (at the end of the current microtask, so writes issued together, such as the
 * audit rows of an event and its outcome, share it); writes that arrive while a flush is in
 * flight wait for it and then go out together in one statement. Under no load nothing waits
 * for anything; under load one round trip (and one WAL flush) serves many events. This is what
 * lets the serialised audit chain keep up: its lock is taken once per batch, not once per row.
 *
 * If a batch fails, its items are retried one by one, so one bad item cannot fail the others.
 */
export function groupCommit<T, R>(
  flush: (items: T[]) => Promise<R[]>,
  { maxBatch = 64 }: { maxBatch?: number } = {},
): (item: T) => Promise<R> {
  type Pending = { item: T; resolve: (result: R) => void; reject: (error: unknown) => void };
  const queue: Pending[] = [];
  let flushing = false;

  async function settle(batch: Pending[]): Promise<void> {
    try {
      const results = await flush(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i] as R));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const pending of batch) await settle([pending]);
    }
  }

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) await settle(queue.splice(0, maxBatch));
    } finally {
      flushing = false;
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (flushing) return;
      flushing = true;
      queueMicrotask(() => void drain());
    });
}
