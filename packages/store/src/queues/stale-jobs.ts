import type { FlowJob, Queue } from 'bullmq';
import type { RedisConnection } from './connection.ts';
import type { QueueSet } from './queues.ts';

const FINISHED = new Set(['completed', 'failed']);

/**
 * Content-derived job ids make re-adding a no-op while a job with that id is still kept in Redis. When
 * Postgres says the work is NOT done (a new database, lost results, a run reset), a kept finished job with
 * the same id is stale and would swallow the new one: remove it first. Jobs still waiting or running are
 * left alone, so real duplicates are still deduplicated.
 */
export async function removeStaleFinishedJobs(queue: Queue, connection: RedisConnection, jobIds: string[]): Promise<number> {
  if (jobIds.length === 0) return 0;
  const pipeline = connection.pipeline();
  for (const id of jobIds) pipeline.exists(queue.toKey(id));
  const exists = (await pipeline.exec()) ?? [];
  let removed = 0;
  for (const [index, id] of jobIds.entries()) {
    if (exists[index]?.[1] !== 1) continue;
    if (!FINISHED.has(await queue.getJobState(id))) continue;
    await queue.remove(id, { removeChildren: true });
    removed += 1;
  }
  return removed;
}

function collectFlowIds(flow: FlowJob, byQueue: Map<string, string[]>): void {
  const id = flow.opts?.jobId;
  if (id) byQueue.set(flow.queueName, [...(byQueue.get(flow.queueName) ?? []), id]);
  for (const child of flow.children ?? []) collectFlowIds(child, byQueue);
}

/** The same for every job of a flow, before `flows.add`. */
export async function removeStaleFlowJobs(set: QueueSet, flow: FlowJob): Promise<number> {
  const byQueue = new Map<string, string[]>();
  collectFlowIds(flow, byQueue);
  let removed = 0;
  for (const [queueName, ids] of byQueue) {
    const queue = Object.values(set.queues).find((candidate) => candidate.name === queueName);
    if (queue) removed += await removeStaleFinishedJobs(queue, set.connection, ids);
  }
  return removed;
}

