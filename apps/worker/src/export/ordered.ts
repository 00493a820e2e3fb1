/**
 * Starts `start(item)` for up to `depth` items ahead of the consumer and yields the results in input order:
 * crops are fetched concurrently while samples are still written in the stable order.
 * `start` must not reject (return failures as values); the source is read lazily, so memory stays bounded.
 */
export async function* lookahead<T, R>(source: AsyncIterable<T>, start: (item: T) => R, depth: number): AsyncGenerator<R> {
  const window: R[] = [];
  const iterator = source[Symbol.asyncIterator]();
  let done = false;
  try {
    for (;;) {
      while (!done && window.length < depth) {
        const next = await iterator.next();
        if (next.done) done = true;
        else window.push(start(next.value));
      }
      const head = window.shift();
      if (head === undefined) return;
      yield head;
    }
  } finally {
    if (!done) await iterator.return?.();
  }
}
