import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { classifyError, CurationError, ERROR_CLASSES, type ErrorClass } from '@pmc-curator/pipeline/errors';

const ENTRY = fileURLToPath(new URL('./thread-entry.mjs', import.meta.url));

export interface ThreadPoolOptions {
  /** Absolute path of a module exporting `createHandler(init) => (task) => Promise<{result, transfer?}>`. */
  module: string;
  /** Passed to createHandler in every thread (structured-cloneable). */
  init: unknown;
  /** Threads. @defaultValue 1 */
  size?: number;
  /** A task running longer than this is stopped by terminating its thread, and fails with a transient Timeout. */
  timeoutMs: number;
  name: string;
}

interface SerializedError {
  errorClass: string | null;
  message: string;
  subject: string | null;
  code: string | null;
}

interface Pending<T> {
  task: unknown;
  transfer: ArrayBuffer[];
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  busy: boolean;
  /** Rejects the task in flight (thread died or timed out). */
  abort?: (error: Error) => void;
}

export function deserializeError(error: SerializedError): CurationError {
  if (error.errorClass && error.errorClass in ERROR_CLASSES) {
    return new CurationError(error.errorClass as ErrorClass, error.message, error.subject ? { subject: error.subject } : {});
  }
  return classifyError(Object.assign(new Error(error.message), error.code ? { code: error.code } : {}));
}

/**
 * A fixed set of worker threads running CPU-heavy stage work, so the event loop stays free to renew job
 * locks. One task per thread at a time; a task past its timeout gets its thread terminated and replaced,
 * which really stops the work (a Promise.race would leave it burning CPU).
 */
export class ThreadPool<Task, Result> {
  private readonly slots: Slot[] = [];
  private readonly queue: Array<Pending<Result>> = [];
  private closed = false;
  private nextId = 0;

  constructor(private readonly options: ThreadPoolOptions) {
    for (let i = 0; i < (options.size ?? 1); i++) this.slots.push(this.spawn());
  }

  /** Resolves when every thread has loaded its handler (models etc.); rejects if one fails to start. */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.ready));
  }

  run(task: Task, transfer: ArrayBuffer[] = []): Promise<Result> {
    if (this.closed) return Promise.reject(new CurationError('Internal', `${this.options.name} thread pool is closed`));
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ task, transfer, resolve, reject });
      this.dispatch();
    });
  }

  get pending(): number {
    return this.queue.length + this.slots.filter((slot) => slot.busy).length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new CurationError('Internal', `${this.options.name} thread pool closed`));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(ENTRY, { workerData: { module: this.options.module, init: this.options.init }, name: this.options.name });
    const slot: Slot = { worker, busy: true, ready: Promise.resolve() };
    slot.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: { ready?: boolean }) => {
        if (!message.ready) return;
        worker.off('message', onMessage);
        slot.busy = false;
        resolve();
        this.dispatch();
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    slot.ready.catch(() => {});
    worker.on('error', (error) => slot.abort?.(classifyError(error)));
    worker.on('exit', (code) => {
      slot.abort?.(new CurationError('Internal', `${this.options.name} thread exited with code ${code}`));
      if (this.closed) return;
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots[index] = this.spawn();
    });
    return slot;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.busy) continue;
      const pending = this.queue.shift()!;
      this.execute(slot, pending);
    }
  }

  private execute(slot: Slot, pending: Pending<Result>): void {
    slot.busy = true;
    const id = this.nextId++;
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      slot.worker.off('message', onMessage);
      slot.abort = undefined;
      fn();
    };
    const onMessage = (message: { id?: number; ok?: boolean; result?: Result; error?: SerializedError }) => {
      if (message.id !== id) return;
      finish(() => {
        slot.busy = false;
        if (message.ok) pending.resolve(message.result as Result);
        else pending.reject(deserializeError(message.error!));
        this.dispatch();
      });
    };
    const timer = setTimeout(() => {
      finish(() => {
        pending.reject(new CurationError('Timeout', `${this.options.name} task exceeded ${this.options.timeoutMs} ms; its thread was stopped`));
        void slot.worker.terminate();
      });
    }, this.options.timeoutMs);
    slot.abort = (error) => finish(() => pending.reject(error));
    slot.worker.on('message', onMessage);
    slot.worker.postMessage({ id, task: pending.task }, pending.transfer);
  }
}
