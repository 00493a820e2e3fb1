export interface BatcherOptions<I, O> {
  /** Largest batch handed to `run`. */
  maxBatch: number;
  /** Longest time the first item of a batch waits for others to arrive, in ms. */
  maxWaitMs: number;
  /** Processes one batch; returns one result per item, in order (an Error fails only that item). */
  run(items: I[]): Promise<Array<O | Error>>;
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: Error) => void;
}

/**
 * Dynamic batching: concurrent `submit` calls (one per in-flight job) are grouped into one `run` call,
 * flushed when `maxBatch` items are waiting or `maxWaitMs` after the first arrived, whichever comes first.
 */
export class DynamicBatcher<I, O> {
  private waiting: Array<Waiting<I, O>> = [];
  private timer: NodeJS.Timeout | null = null;
  /** Sizes of the batches run so far (for stats and tests). */
  readonly batchSizes: number[] = [];

  constructor(private readonly options: BatcherOptions<I, O>) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length >= this.options.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  /** Runs whatever is waiting now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.batchSizes.push(batch.length);
      if (this.batchSizes.length > 1000) this.batchSizes.splice(0, 500);
      this.options.run(batch.map((entry) => entry.item)).then(
        (results) =>
          batch.forEach((entry, index) => {
            const result = results[index];
            if (result instanceof Error) entry.reject(result);
            else if (result === undefined) entry.reject(new Error('batch returned fewer results than items'));
            else entry.resolve(result);
          }),
        (error: Error) => batch.forEach((entry) => entry.reject(error)),
      );
    }
  }
}
