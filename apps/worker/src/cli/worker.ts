import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { isStageName, STAGES, type StageName } from '@pmc-curator/store/queues';
import { startWorkerPool } from '../workers/pool.ts';

interface WorkerFlags {
  stages: string;
  concurrency?: string;
}

export function parseStages(value: string): StageName[] {
  const stages = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const stage of stages) if (!isStageName(stage)) throw new Error(`--stages takes ${STAGES.join(', ')} (comma-separated), not "${stage}"`);
  return stages as StageName[];
}

/** "8" (every stage) or "detect=16,align=4". */
export function parseConcurrency(value: string | undefined, stages: StageName[]): Partial<Record<StageName, number>> {
  if (!value) return {};
  const out: Partial<Record<StageName, number>> = {};
  for (const part of value.split(',')) {
    const [left, right] = part.includes('=') ? part.split('=') : [undefined, part];
    const n = Number(right);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--concurrency takes N or STAGE=N,... with positive integers, not "${value}"`);
    if (left === undefined) for (const stage of stages) out[stage] = n;
    else if (isStageName(left.trim())) out[left.trim() as StageName] = n;
    else throw new Error(`--concurrency: unknown stage "${left}"`);
  }
  return out;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('process queued jobs of the given stages until SIGTERM/SIGINT (in-flight jobs finish or are handed back)')
    .option('--stages <list>', `stages to work on: ${STAGES.join(', ')}`, STAGES.join(','))
    .option('--concurrency <n>', 'jobs in flight: N for every stage, or STAGE=N,... (detect jobs in flight are batched into one inference call)')
    .action(async (flags: WorkerFlags) => {
      const config = loadConfig();
      const stages = parseStages(flags.stages);
      const log = createLogger(config);
      const pool = await startWorkerPool({ config, stages, concurrency: parseConcurrency(flags.concurrency, stages), logger: log });
      log.info({ stages, queuePrefix: config.QUEUE_PREFIX }, `worker on ${stages.join(', ')} (queue prefix ${config.QUEUE_PREFIX}); SIGTERM to stop`);
      const report = setInterval(() => {
        const line = stages.map((s) => `${s} ${pool.stats[s].completed} done/${pool.stats[s].failed} failed/${pool.stats[s].retried} retried`).join(' | ');
        log.info({ stats: pool.stats, outages: pool.outages.count }, line);
      }, 30_000);
      report.unref();
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal, graceMs: config.SHUTDOWN_GRACE_MS }, `${signal}: finishing in-flight jobs (up to ${config.SHUTDOWN_GRACE_MS} ms), then handing the rest back`);
        clearInterval(report);
        pool.close().then(
          () => {
            log.info({ stats: pool.stats }, 'stopped');
            process.exit(0);
          },
          (error: Error) => {
            log.error({ err: error }, `shutdown failed: ${error.message}`);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}
