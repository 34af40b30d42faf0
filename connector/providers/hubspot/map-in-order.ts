/**
 * `work` applied to the items of `source` with up to `concurrency` of them under way at once, the
 * results yielded in source order. The source is pulled one item at a time, in order, and the next
 * item is started before a result is handed over, so the calls of later items go out while the
 * caller stores the current one: the rate limiter, not each call's latency, sets the pace.
 *
 * A result is yielded only after every earlier one, so a caller that saves a cursor after each
 * result never moves past an item that was not delivered. Work already started for items after a
 * failure or an early exit finishes on its own and is dropped (reads only: safe to repeat).
 */
export async function* mapInOrder<T, R>(
  source: AsyncIterable<T>,
  work: (item: T) => Promise<R>,
  concurrency: number,
): AsyncGenerator<R> {
  const iterator = source[Symbol.asyncIterator]();
  const started: Promise<IteratorResult<R, undefined>>[] = [];
  let pulled: Promise<unknown> = Promise.resolve();
  const startNext = () => {
    const item = pulled.then(() => iterator.next());
    pulled = item.catch(() => undefined);
    const result = item.then(
      async (next): Promise<IteratorResult<R, undefined>> =>
        next.done ? { done: true, value: undefined } : { done: false, value: await work(next.value) },
    );
    // Awaited in order below; this only keeps a result abandoned by an early exit from going unhandled.
    result.catch(() => undefined);
    started.push(result);
  };
  for (let slot = 0; slot < Math.max(1, concurrency); slot += 1) startNext();
  try {
    for (;;) {
      const head = started.shift();
      if (head === undefined) return;
      const next = await head;
      if (next.done) return;
      startNext();
      yield next.value;
    }
  } finally {
    await pulled;
    await iterator.return?.();
  }
}
