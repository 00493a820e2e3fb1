import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Tinypool from 'tinypool';
import { classifyError, CurationError, ERROR_CLASSES, type ErrorClass } from '@pmc-curator/pipeline/errors';
import { HEAP_FLAGS } from './heap-flags.ts';
import type { ChildInit, ChildReply, ChildTask, SerializedError, StartedMessage } from './pool-child.ts';

const CHILD = fileURLToPath(new URL('./pool-child.ts', import.meta.url));
/** The children run plain node with tsx's ESM loader, so the task module and the handlers may be TypeScript. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;

export interface ProcessPoolOptions {
  /** Absolute path of a module exporting `createHandler(init) => (task) => Promise<{result}>`. */
  module: string;
  /** Passed to createHandler in every child (JSON: it travels in the child's environment). */
  init: unknown;
  /** Child processes. @defaultValue 1 */
  size?: number;
  /**
   * A task running longer than this fails with a transient Timeout; its child is killed and replaced, which
   * stops native work (onnxruntime, sharp) as well as JavaScript. Counted from the moment a child takes the task.
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

const isStarted = (message: unknown): message is StartedMessage =>
  typeof message === 'object' && message !== null && typeof (message as Partial<StartedMessage>).started === 'number';

/**
 * A fixed set of child processes running stage work (CPU-heavy JavaScript, sharp, onnxruntime), so the
 * event loop stays free to renew job locks and a task can always be stopped: tinypool with its
 * `child_process` runtime, one task per child at a time. A task past its timeout (or over its memory limit)
 * aborts its AbortSignal; tinypool then kills the child (SIGTERM, SIGKILL a second later) and starts a
 * replacement. Killing a process is safe whatever it is doing; terminating a worker thread inside native
 * code aborts the whole process ("terminate called after throwing an instance of 'Napi::Error'", exit 134),
 * which is why these are processes, not tinypool's or piscina's worker threads.
 */
export class ProcessPool<Task, Result> {
  private readonly pool: Tinypool;
  private readonly size: number;
  private closed = false;
  /** Callers of ready() waiting for a child to answer; a child lost before it was ready rejects them. */
  private readonly startWaiters = new Set<(error: Error) => void>();
  /** Children in a row lost before they answered (the next one is asked for after a growing delay). */
  private failedStarts = 0;
  /** Highest peak resident set reported by any child of this pool, in bytes. */
  peakRss = 0;

  constructor(private readonly options: ProcessPoolOptions) {
    this.size = options.size ?? 1;
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    this.pool = new Tinypool({
      runtime: 'child_process',
      filename: CHILD,
      minThreads: this.size,
      maxThreads: this.size,
      // Advanced serialization carries typed arrays (image bytes, crops) over the IPC channel.
      serialization: 'advanced',
      // The parent's flags (a test runner's loaders, inspector ports) are not the child's business.
      execArgv: ['--import', TSX_LOADER, ...HEAP_FLAGS],
      env: {
        ...env,
        PMC_CURATOR_CHILD: options.name,
        PMC_CURATOR_POOL_INIT: JSON.stringify({ module: options.module, init: options.init } satisfies ChildInit),
      },
    });
    // A child that died with no task in it (before it was ready, or idle): tinypool emits the error here.
    this.pool.on('error', (error: Error) => this.childLost(error));
  }

  /** Process ids of the current children (tests). */
  get pids(): number[] {
    return this.pool.threads.map((thread) => thread.threadId);
  }

  /** Resolves when a child has loaded its handler (models etc.) and answered; rejects if it cannot start. */
  async ready(): Promise<void> {
    let leave = () => {};
    const lost = new Promise<never>((_, reject) => {
      this.startWaiters.add(reject);
      leave = () => this.startWaiters.delete(reject);
    });
    let reply: ChildReply;
    try {
      reply = await Promise.race([this.pool.run({ ping: true } satisfies ChildTask) as Promise<ChildReply>, lost]);
    } catch (error) {
      throw error instanceof CurationError ? error : this.poolError(error);
    } finally {
      leave();
    }
    if (!reply.ok) throw deserializeError(reply.error);
  }

  async run(task: Task): Promise<Result> {
    if (this.closed) throw new CurationError('Internal', `${this.options.name} process pool is closed`);
    const { name, timeoutMs } = this.options;
    const limit = this.options.maxRssBytes ?? 0;
    const controller = new AbortController();
    let stopped: CurationError | null = null;
    let timer: NodeJS.Timeout | undefined;
    let watch: NodeJS.Timeout | undefined;
    const stop = (error: CurationError) => {
      if (stopped) return;
      stopped = error;
      controller.abort(error);
    };
    // The child's messages outside tinypool's own arrive here; the first says which process took the task.
    const channel = {
      postMessage: (message: unknown) => {
        if (!isStarted(message) || timer) return;
        timer = setTimeout(() => stop(new CurationError('Timeout', `${name} task exceeded ${timeoutMs} ms; its process was killed`)), timeoutMs);
        if (limit > 0) {
          watch = setInterval(() => {
            const rss = residentBytes(message.started);
            if (rss !== null && rss > limit) {
              stop(new CurationError('MemoryLimitExceeded', `${name} task took ${Math.round(rss / 2 ** 20)} MiB, over the ${Math.round(limit / 2 ** 20)} MiB limit; its process was killed`));
            }
          }, this.options.memoryCheckMs ?? 100);
        }
      },
    };
    let reply: ChildReply;
    try {
      reply = (await this.pool.run({ task } satisfies ChildTask, { signal: controller.signal, channel })) as ChildReply;
    } catch (error) {
      throw stopped ?? this.poolError(error);
    } finally {
      clearTimeout(timer);
      clearInterval(watch);
    }
    this.peakRss = Math.max(this.peakRss, reply.maxRss);
    this.failedStarts = 0;
    if (reply.ok) return reply.result as Result;
    if (reply.startFailed) throw new CurationError('Internal', `${name} child could not start: ${reply.error.message}`);
    throw deserializeError(reply.error);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool.destroy();
  }

  /** Tinypool's own rejections: the child died, or the pool was destroyed. */
  private poolError(error: unknown): CurationError {
    const message = error instanceof Error ? error.message : String(error);
    if (this.closed) return new CurationError('Internal', `${this.options.name} process pool closed`);
    // A child can die between tinypool picking it and the task reaching it: the send fails with EPIPE or a
    // closed channel, which is the same loss (not a source outage, as the generic classifier would call EPIPE).
    const code = (error as { code?: unknown } | null)?.code;
    if (message === 'Worker exited unexpectedly' || code === 'EPIPE' || code === 'ERR_IPC_CHANNEL_CLOSED') {
      this.childLost(error as Error);
      return new CurationError('Internal', `${this.options.name} child process exited unexpectedly`);
    }
    return classifyError(error);
  }

  /**
   * Tinypool replaces a child that dies in a task, but not one that dies before it was ready, and from then
   * on starts children only when a task arrives: a ping after a growing delay makes it start one, so the
   * tasks queued meanwhile are served without a crash loop.
   */
  private childLost(error: Error): void {
    if (this.closed || this.pool.threads.length >= this.size) return;
    for (const reject of this.startWaiters) reject(new CurationError('Internal', `${this.options.name} child exited before it was ready (${error.message})`));
    this.failedStarts += 1;
    const delay = Math.min(30_000, 250 * 2 ** this.failedStarts);
    setTimeout(() => {
      if (!this.closed && this.pool.threads.length < this.size) this.pool.run({ ping: true } satisfies ChildTask).catch(() => {});
    }, delay).unref();
  }
}
