import type { Command } from 'commander';
import { registerEnqueue } from './enqueue.ts';
import { registerReprocess } from './reprocess.ts';
import { registerRun } from './run.ts';
import { registerStatus } from './status.ts';
import { registerWorker } from './worker.ts';

/** enqueue, worker, status, reprocess, run: the distributed-curation commands. */
export function registerQueueCommands(program: Command): void {
  registerEnqueue(program);
  registerWorker(program);
  registerStatus(program);
  registerReprocess(program);
  registerRun(program);
}
