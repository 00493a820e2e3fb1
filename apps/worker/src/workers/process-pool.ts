import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { classifyError, CurationError, ERROR_CLASSES, type ErrorClass } from '@pmc-curator/pipeline/errors';

const ENTRY = fileURLToPath(new URL('./process-entry.mjs', import.meta.url));

export interface ProcessPoolOptions {
  /** Absolute path of a module exporting `createHandler(init) => (task) => Promise<{result, transfer?}>`. */
  module: string;
  /** Passed to createHandler in every child (structured-cloneable: sent over the IPC channel). */
  init: unknown;
  /** Child processes. @defaultValue 1 */
  size?: number;
  /**
   * A task running longer than this fails with a transient Timeout; its child is killed (SIGKILL) and
   * replaced, which stops native work (onnxruntime, sharp) as well as JavaScript.
   */
  timeoutMs: number;
  /**
   * A child whose resident memory passes this many bytes while it runs a task is killed and replaced, and
   * the task fails with a transient MemoryLimitExceeded (Linux; checked every `memoryCheckMs`). 0 = no limit.
   * @defaultValue 0
   */
  maxRssBytes?: number;
  /** @defaultValue 100 */
  memoryCheckMs?: number;
  name: string;
}

interface SerializedError {
  errorClass: string | null;
  message: string;
  subject: string | null;
  code: string | null;
}

interface Reply<T> {
  id?: number;
  ok?: boolean;
  result?: T;
  error?: SerializedError;
  /** The child's peak resident set so far, in bytes (process.resourceUsage().maxRSS). */
  maxRss?: number;
  ready?: boolean;
  startError?: SerializedError;
}

interface Pending<T> {
  task: unknown;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

interface Slot {
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
  exited: boolean;
  /** Rejects the task in flight (child died, timed out or went over its memory limit). */
  abort?: (error: Error) => void;
}

function deserializeError(error: SerializedError): CurationError {
  if (error.errorClass && error.errorClass in ERROR_CLASSES) {
    return new CurationError(error.errorClass as ErrorClass, error.message, error.subject ? { subject: error.subject } : {});
  }
  return classifyError(Object.assign(new Error(error.message), error.code ? { code: error.code } : {}));
}

/** Resident set of a process in bytes from /proc (Linux), or null where it cannot be read. */
function residentBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * A fixed set of child processes running stage work (CPU-heavy JavaScript, sharp, onnxruntime), so the
 * event loop stays free to renew job locks and a task can always be stopped. One task per child at a time;
 * a task past its timeout (or over its memory limit) gets its child SIGKILLed and replaced. Killing a
 * process is safe whatever it is doing; terminating a worker thread inside native code aborts the whole
 * process ("terminate called after throwing an instance of 'Napi::Error'"), which is why these are not threads.
 */
export class ProcessPool<Task, Result> {
  private readonly slots: Slot[] = [];
  private readonly queue: Array<Pending<Result>> = [];
  private closed = false;
  private nextId = 0;
  /** Highest peak resident set reported by any child of this pool, in bytes. */
  peakRss = 0;
  /** Children started, replacements included. */
  started = 0;
  /** Children in a row that died before they were ready (their replacements start after a growing delay). */
  private failedStarts = 0;

  constructor(private readonly options: ProcessPoolOptions) {
    for (let i = 0; i < (options.size ?? 1); i++) this.slots.push(this.spawn());
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  /** Process ids of the current children (tests). */
  get pids(): number[] {
    return this.slots.map((slot) => slot.child.pid ?? -1);
  }

  /** Resolves when every child has loaded its handler (models etc.); rejects if one fails to start. */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.ready));
  }

  run(task: Task): Promise<Result> {
    if (this.closed) return Promise.reject(new CurationError('Internal', `${this.options.name} process pool is closed`));
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.dispatch();
    });
  }

  get pending(): number {
    return this.queue.length + this.slots.filter((slot) => slot.busy).length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new CurationError('Internal', `${this.options.name} process pool closed`));
    await Promise.all(this.slots.map((slot) => stop(slot)));
  }

  private spawn(): Slot {
    this.started += 1;
    const child = fork(ENTRY, [], {
      // Advanced serialization carries typed arrays (image bytes, crops) over the IPC channel.
      serialization: 'advanced',
      // The parent's flags (a test runner's loaders, inspector ports) are not the child's business.
      execArgv: [],
      env: { ...process.env, PMC_CURATOR_CHILD: this.options.name },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const slot: Slot = { child, busy: true, exited: false, ready: Promise.resolve() };
    let wasReady = false;
    slot.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: Reply<Result>) => {
        if (message.startError) {
          child.off('message', onMessage);
          reject(deserializeError(message.startError));
          return;
        }
        if (!message.ready) return;
        child.off('message', onMessage);
        wasReady = true;
        this.failedStarts = 0;
        slot.busy = false;
        resolve();
        this.dispatch();
      };
      child.on('message', onMessage);
      child.once('exit', (code, signal) => reject(new CurationError('Internal', `${this.options.name} child exited (${signal ?? code}) before it was ready`)));
      child.once('error', reject);
    });
    slot.ready.catch(() => {});
    child.send({ start: { module: this.options.module, init: this.options.init } });
    child.on('error', (error) => slot.abort?.(classifyError(error)));
    child.on('exit', (code, signal) => {
      slot.exited = true;
      slot.abort?.(new CurationError('Internal', `${this.options.name} child process exited (${signal ?? `code ${code}`})`));
      if (this.closed) return;
      // A child that cannot start (a model missing, a server down) is retried after a growing delay, not in a hot loop.
      if (!wasReady) this.failedStarts += 1;
      const delay = wasReady ? 0 : Math.min(30_000, 250 * 2 ** this.failedStarts);
      setTimeout(() => {
        const index = this.slots.indexOf(slot);
        if (index >= 0 && !this.closed) this.slots[index] = this.spawn();
      }, delay).unref();
    });
    return slot;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.busy || slot.exited) continue;
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
      clearInterval(watch);
      slot.child.off('message', onMessage);
      slot.abort = undefined;
      fn();
    };
    const kill = (error: CurationError) =>
      finish(() => {
        pending.reject(error);
        // The exit handler starts the replacement.
        slot.child.kill('SIGKILL');
      });
    const onMessage = (message: Reply<Result>) => {
      if (message.id !== id) return;
      if (message.maxRss) this.peakRss = Math.max(this.peakRss, message.maxRss);
      finish(() => {
        slot.busy = false;
        if (message.ok) pending.resolve(message.result as Result);
        else pending.reject(deserializeError(message.error!));
        this.dispatch();
      });
    };
    const timer = setTimeout(
      () => kill(new CurationError('Timeout', `${this.options.name} task exceeded ${this.options.timeoutMs} ms; its process was killed`)),
      this.options.timeoutMs,
    );
    const limit = this.options.maxRssBytes ?? 0;
    const watch = limit > 0 && slot.child.pid
      ? setInterval(() => {
        const rss = residentBytes(slot.child.pid!);
        if (rss !== null && rss > limit) {
          kill(new CurationError('MemoryLimitExceeded', `${this.options.name} task took ${Math.round(rss / 2 ** 20)} MiB, over the ${Math.round(limit / 2 ** 20)} MiB limit; its process was killed`));
        }
      }, this.options.memoryCheckMs ?? 100)
      : undefined;
    slot.abort = (error) => finish(() => pending.reject(error));
    slot.child.on('message', onMessage);
    slot.child.send({ id, task: pending.task }, (error) => {
      if (error) slot.abort?.(new CurationError('Internal', `${this.options.name} child cannot take the task: ${error.message}`));
    });
  }
}

/** Asks a child to stop (SIGTERM) and kills it if it has not exited within two seconds. */
async function stop(slot: Slot): Promise<void> {
  if (slot.exited) return;
  const exited = new Promise<void>((resolve) => slot.child.once('exit', () => resolve()));
  slot.child.kill('SIGTERM');
  const timer = setTimeout(() => slot.child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}
