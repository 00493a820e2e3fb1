import type { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../config.ts';
import { createDb, requireMigratedDatabase } from '@pmc-curator/store/db';
import { createQueueSet } from '@pmc-curator/store/queues';
import { formatStatus, getStatus } from '../run/status.ts';
import { intFlag, parseFlags } from './support/flags.ts';

const numbers = z.object({ window: intFlag({ min: 1, unit: 'minutes' }) });

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('per-stage queue and row counts, throughput, ETA and the top failure classes')
    .option('--run <id>', 'only this run (default: everything)')
    .option('--window <minutes>', 'throughput window', '5')
    .option('--json', 'print JSON')
    .action(async (flags: { run?: string; window: string; json?: boolean }) => {
      const { window } = parseFlags(numbers, flags);
      const config = loadConfig();
      const db = createDb(config.DATABASE_URL);
      await requireMigratedDatabase(db, config.DATABASE_URL);
      const queues = createQueueSet(config, { maxRetriesPerRequest: 3 });
      try {
        if (flags.run && !(await db.run.findUnique({ where: { id: flags.run } }))) throw new Error(`no run ${flags.run}; list runs with: curator status --json`);
        const status = await getStatus(db, queues, { ...(flags.run ? { runId: flags.run } : {}), windowMinutes: window });
        process.stdout.write(flags.json ? `${JSON.stringify(status, null, 2)}\n` : `${formatStatus(status)}\n`);
      } finally {
        await queues.close();
        await db.$disconnect();
      }
    });
}
