import type { Command } from 'commander';

/** enqueue, worker, status, reprocess, run: the distributed-curation commands. */
export function registerQueueCommands(_program: Command): void {}
