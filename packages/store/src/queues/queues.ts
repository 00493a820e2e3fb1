import { FlowProducer, Queue } from 'bullmq';
import type { QueueSettings } from '../settings.ts';
import { createRedis, type RedisConnection } from './connection.ts';
import { defaultJobOptions } from './policy.ts';
import { STAGES, type StageName } from './stage-versions.ts';

/** Queue names; the key prefix (QUEUE_PREFIX, a hash tag like "{pmc}") keeps every key of every queue in one Cluster slot, as flows need. */
export const QUEUE_NAMES: Record<StageName, string> = {
  ingest: 'ingest',
  detect: 'detect',
  align: 'align',
};

/** Producer side: one Queue per stage and a FlowProducer, sharing one connection (a node or a Cluster). */
export interface QueueSet {
  prefix: string;
  connection: RedisConnection;
  queues: Record<StageName, Queue>;
  flows: FlowProducer;
  close(): Promise<void>;
}

export interface QueueSetOptions {
  /** Reuse a connection (closed by the caller). */
  connection?: RedisConnection;
  /** For a new connection: fail commands after N reconnect attempts (CLI) or wait forever (null, workers). @defaultValue null */
  maxRetriesPerRequest?: number | null;
  /** Connection errors (Redis restarting...); commands wait or fail on their own. @defaultValue one stderr line per 10 s */
  onError?: (error: Error) => void;
}

/** Reports connection errors at most once per interval, so an outage is visible without flooding logs. */
function throttledErrorLog(label: string, intervalMs = 10_000): (error: Error) => void {
  let last = 0;
  return (error) => {
    if (Date.now() - last < intervalMs) return;
    last = Date.now();
    process.stderr.write(`${label}: ${error.message} (retrying)\n`);
  };
}

export function createQueueSet(config: QueueSettings, options: QueueSetOptions = {}): QueueSet {
  const owned = !options.connection;
  const connection = options.connection ?? createRedis(config, { maxRetriesPerRequest: options.maxRetriesPerRequest ?? null });
  const prefix = config.QUEUE_PREFIX;
  const defaults = defaultJobOptions(config);
  const queues = Object.fromEntries(
    STAGES.map((stage) => [stage, new Queue(QUEUE_NAMES[stage], { connection, prefix, defaultJobOptions: defaults })]),
  ) as Record<StageName, Queue>;
  const flows = new FlowProducer({ connection, prefix });
  const onError = options.onError ?? throttledErrorLog('redis (queues)');
  for (const queue of Object.values(queues)) queue.on('error', onError);
  flows.on('error', onError);
  return {
    prefix,
    connection,
    queues,
    flows,
    close: async () => {
      await Promise.all([...Object.values(queues).map((queue) => queue.close()), flows.close()]);
      if (owned) await connection.quit().catch(() => connection.disconnect());
    },
  };
}

/** Removes every key of every stage queue (tests, benchmarks, `curator reset-queues`). */
export async function obliterateQueues(set: QueueSet): Promise<void> {
  for (const queue of Object.values(set.queues)) await queue.obliterate({ force: true });
}
