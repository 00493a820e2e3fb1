import { z } from 'zod';
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { formatSampleRun, runSample } from '../run/sample-run.ts';
import { licenseGroupsFromFlag } from './support/source-options.ts';
import { parseFlags, portFlag } from './support/flags.ts';

const numbers = z.object({ port: portFlag().optional() });

interface RunFlags {
  sample?: boolean;
  exit?: boolean;
  port?: string;
  dashboard?: boolean;
  license?: string;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('curate the bundled sample of real articles end to end: s3 source, queues, workers for every stage, dashboard')
    .option('--sample', 'the bundled sample (test/fixtures/articles)')
    .option('--exit', 'exit when the run is complete (CI); default: keep workers and dashboard up until Ctrl-C')
    .option('--port <n>', 'dashboard port (default $DASHBOARD_PORT)')
    .option('--no-dashboard', 'do not start the dashboard')
    .option('--license <groups>', 'licence groups to keep (default comm)')
    .action(async (flags: RunFlags) => {
      const { port } = parseFlags(numbers, flags);
      if (!flags.sample) throw new Error('only --sample is supported; for your own articles use curator enqueue + curator worker');
      const config = loadConfig();
      const run = await runSample({
        config,
        dashboard: flags.dashboard !== false,
        ...(port !== undefined ? { dashboardPort: port } : {}),
        licenseGroups: licenseGroupsFromFlag(flags.license, 'comm'),
      });
      process.stdout.write(`${formatSampleRun(run)}\n`);
      if (flags.exit) {
        await run.close();
        process.exit(run.summary.failedArticles > 0 ? 1 : 0);
      }
      process.stderr.write('workers and dashboard stay up; Ctrl-C to stop\n');
      const stop = () => {
        run.close().then(() => process.exit(0), () => process.exit(1));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
