import type { GreyCrop, Recognition } from './recognizer.ts';

/** Anything that reads text crops (the PP-OCR recognizer, or a stand-in in tests). */
export interface CropReader {
  recognize(crops: GreyCrop[]): Promise<Recognition[]>;
}

interface PendingRead {
  crops: GreyCrop[];
  resolve: (readings: Recognition[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the `recognize` calls made during one turn of the event loop into a single call of the inner
 * reader. When several figures are detected concurrently (`detectBatch`), each reaches its OCR round and
 * waits; their crops then go to the network together, so the per-call cost is paid once per round rather
 * than once per figure, and a GPU gets batches worth running.
 */
export class CoalescingRecognizer implements CropReader {
  private pending: PendingRead[] = [];
  private scheduled = false;

  constructor(private readonly inner: CropReader) {}

  recognize(crops: GreyCrop[]): Promise<Recognition[]> {
    if (crops.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.pending.push({ crops, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate runs after the promise callbacks already queued, so every caller that is about to
        // ask in this turn has asked.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    try {
      const readings = await this.inner.recognize(batch.flatMap((p) => p.crops));
      let offset = 0;
      for (const p of batch) {
        p.resolve(readings.slice(offset, offset + p.crops.length));
        offset += p.crops.length;
      }
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
