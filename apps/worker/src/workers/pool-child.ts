// The task module tinypool loads in every pool child process (process-pool.ts; the child runs plain node
// with tsx imported). At load it builds the stage handler named in PMC_CURATOR_POOL_INIT; each task
// announces the child's pid to the parent (which then starts the task's timeout and memory watch) and
// answers with a reply that never throws, so error classes and the child's peak memory cross the boundary.
import { pathToFileURL } from 'node:url';

/** What the parent puts in PMC_CURATOR_POOL_INIT (JSON). */
export interface ChildInit {
  /** Absolute path of a module exporting `createHandler(init) => (task) => Promise<{result}>`. */
  module: string;
  init: unknown;
}

export interface SerializedError {
  errorClass: string | null;
  message: string;
  subject: string | null;
  code: string | null;
}

/** A task as the parent sends it: stage work, or a ping that only checks the child started. */
export type ChildTask = { task: unknown } | { ping: true };

export type ChildReply =
  | { ok: true; result: unknown; maxRss: number }
  | { ok: false; error: SerializedError; maxRss: number; startFailed?: boolean };

/** Sent (outside tinypool's own messages) when a task starts, so the parent knows which process to watch. */
export interface StartedMessage {
  started: number;
}

type Handler = (task: unknown) => Promise<{ result: unknown }>;

const serialize = (error: unknown): SerializedError => {
  const e = (error ?? {}) as { errorClass?: unknown; message?: unknown; subject?: unknown; code?: unknown };
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return { errorClass: text(e.errorClass), message: text(e.message) ?? String(error), subject: text(e.subject), code: text(e.code) };
};
const maxRss = () => process.resourceUsage().maxRSS * 1024;

// The child exits when its parent goes away (the IPC channel closes), so a killed worker leaves no orphans.
process.on('disconnect', () => process.exit(0));

async function load(): Promise<Handler> {
  const { module, init } = JSON.parse(process.env.PMC_CURATOR_POOL_INIT ?? '{}') as ChildInit;
  const mod = (await import(pathToFileURL(module).href)) as { createHandler(init: unknown): Handler | Promise<Handler> };
  return mod.createHandler(init);
}

// A handler that cannot be built (a model missing, a server down) is reported to the first task, and the
// child then exits so that the pool starts a fresh one, which tries again.
const loaded = await load().then(
  (handler) => ({ handler }),
  (error: unknown) => ({ startError: serialize(error) }),
);

export default async function runTask(message: ChildTask): Promise<ChildReply> {
  process.send?.({ started: process.pid } satisfies StartedMessage);
  if ('startError' in loaded) {
    setTimeout(() => process.exit(1), 200);
    return { ok: false, error: loaded.startError, maxRss: maxRss(), startFailed: true };
  }
  if ('ping' in message) return { ok: true, result: null, maxRss: maxRss() };
  try {
    const { result } = await loaded.handler(message.task);
    return { ok: true, result, maxRss: maxRss() };
  } catch (error) {
    return { ok: false, error: serialize(error), maxRss: maxRss() };
  }
}
