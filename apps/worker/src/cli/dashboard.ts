import type { Command } from 'commander';
import { Queue } from 'bullmq';
import { z } from 'zod';
import { loadConfig, type Config } from '../config.ts';

/** The stage queues the dashboard shows, in pipeline order. */
export const DASHBOARD_QUEUE_NAMES = ['ingest', 'detect', 'align', 'export'] as const;

/** BullMQ `Queue` handles on the stage queues (read side only: no workers, nothing enqueued). */
export function createDashboardQueues(config: Config): Queue[] {
  return DASHBOARD_QUEUE_NAMES.map((name) => {
    const queue = new Queue(name, { connection: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
    let reported = false;
    queue.on('error', (error: Error) => {
      if (reported) return;
      reported = true;
      process.stderr.write(`curator dashboard: queue ${name}: ${error.message}\n`);
    });
    return queue;
  });
}

const flagsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).optional(),
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
      const flags = flagsSchema.parse(rawFlags);
      const config = loadConfig();
      const { startDashboard } = await import('../../../dashboard/src/index.ts');
      const queues = createDashboardQueues(config);
      try {
        const dashboard = await startDashboard({ config, queues, ...flags });
        process.stdout.write(`dashboard at ${dashboard.url}/ (queues at ${dashboard.url}/queues); Ctrl-C to stop\n`);
        await untilSignal();
        await dashboard.close();
      } finally {
        await Promise.all(queues.map((queue) => queue.close()));
      }
    });
}
