import { z } from 'zod';
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { createDb, requireMigratedDatabase } from '@pmc-curator/store/db';
import { checkEvictionPolicy, createQueueSet } from '@pmc-curator/store/queues';
import { enqueueRun } from '../run/enqueue.ts';
import { createSource } from '../sources.ts';
import { addSourceOptions, licenseGroupsFromFlag, sourceSpecFromFlags, type SourceFlags } from './support/source-options.ts';
import { intFlag, parseFlags } from './support/flags.ts';

const numbers = z.object({ limit: intFlag({ min: 1 }).optional() });

interface EnqueueFlags extends SourceFlags {
  license?: string;
  since?: string;
  limit?: string;
  includeRetracted?: boolean;
  json?: boolean;
}

export function registerEnqueue(program: Command): void {
  const command = program
    .command('enqueue')
    .description('create a run and enqueue its articles for the workers (skips article versions already complete at the current stage versions)')
    .option('--license <groups>', 'licence groups to keep: comm, noncomm, other, comma-separated, or all (default $LICENSE_GROUPS)')
    .option('--since <date>', 'only article versions modified after this date')
    .option('--limit <n>', 'stop after N articles')
    .option('--include-retracted', 'keep retracted articles')
    .option('--json', 'print the summary as JSON');
  addSourceOptions(command).action(async (flags: EnqueueFlags) => {
    const config = loadConfig();
    if (flags.since && Number.isNaN(Date.parse(flags.since))) throw new Error(`--since takes a date like 2026-01-31, not "${flags.since}"`);
    const { limit } = parseFlags(numbers, flags);
    const spec = await sourceSpecFromFlags(flags);
    const db = createDb(config.DATABASE_URL);
    await requireMigratedDatabase(db, config.DATABASE_URL);
    const queues = createQueueSet(config, { maxRetriesPerRequest: 3 });
    try {
      const check = await checkEvictionPolicy(queues.connection);
      if (check.warning) process.stderr.write(`WARNING: ${check.warning}\n`);
      const started = Date.now();
      const summary = await enqueueRun(db, queues, config, {
        source: createSource(spec, config),
        spec,
        filters: {
          licenseGroups: licenseGroupsFromFlag(flags.license, config.LICENSE_GROUPS),
          skipRetracted: flags.includeRetracted ? false : config.SKIP_RETRACTED,
          ...(flags.since ? { since: new Date(flags.since).toISOString() } : {}),
          ...(limit !== undefined ? { limit } : {}),
        },
        onProgress: (p) => {
          const rate = p.listed / Math.max(0.001, (Date.now() - started) / 1000);
          process.stderr.write(`\rlisted ${p.listed}, enqueued ${p.enqueued}, already complete ${p.skipped} (${rate.toFixed(0)} articles/s)`);
        },
      });
      process.stderr.write('\n');
      if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else {
        process.stdout.write(
          `run ${summary.runId}: ${summary.listed} articles listed, ${summary.enqueued} enqueued, ${summary.skipped} already complete, ${summary.seconds.toFixed(1)} s\n` +
            `follow it with: curator status --run ${summary.runId}\n`,
        );
      }
    } finally {
      await queues.close();
      await db.$disconnect();
    }
  });
}
