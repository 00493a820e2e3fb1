import type { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { createDb, requireMigratedDatabase } from '@pmc-curator/store/db';
import { createQueueSet, STAGES } from '@pmc-curator/store/queues';
import { parseFlags, portFlag } from './support/flags.ts';

const flagsSchema = z.object({
  port: portFlag().optional(),
  host: z.string().min(1).optional(),
});

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description('serve the curation dashboard (stage counts, runs, failure ledger, articles, pairs; bull-board at /queues)')
    .option('--port <n>', 'port to listen on (default $DASHBOARD_PORT, 0 = any free port)')
    .option('--host <host>', 'address to bind (default $DASHBOARD_HOST; non-loopback needs DASHBOARD_USER/DASHBOARD_PASSWORD)')
    .action(async (rawFlags: unknown) => {
      const flags = parseFlags(flagsSchema, rawFlags as object);
      const config = loadConfig();
      const { startDashboard } = await import('@pmc-curator/dashboard');
      // Producer-side handles on the stage queues: the dashboard reads counts, bull-board can retry/clean jobs.
      const db = createDb(config.DATABASE_URL);
      await requireMigratedDatabase(db, config.DATABASE_URL);
      const queueSet = createQueueSet(config, { maxRetriesPerRequest: 3 });
      try {
        const logger = createLogger(config).child({ component: 'dashboard' });
        const dashboard = await startDashboard({ config, db, queues: STAGES.map((stage) => queueSet.queues[stage]), logger, ...flags });
        process.stdout.write(`dashboard at ${dashboard.url}/ (bull-board at ${dashboard.url}/queues/); Ctrl-C to stop\n`);
        await untilSignal();
        await dashboard.close();
      } finally {
        await queueSet.close();
        await db.$disconnect();
      }
    });
}
