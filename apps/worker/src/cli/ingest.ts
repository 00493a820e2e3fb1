import { z } from 'zod';
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { formatIngestSummary, ingestDirect } from '../ingest-runner.ts';
import { createRuntime } from '../runtime.ts';
import { createSource } from '../sources.ts';
import { createProgress, type Progress } from './support/progress.ts';
import { addSourceOptions, licenseGroupsFromFlag, sourceSpecFromFlags, type SourceFlags } from './support/source-options.ts';
import { intFlag, parseFlags } from './support/flags.ts';

const numbers = z.object({ limit: intFlag({ min: 1 }).optional(), concurrency: intFlag({ min: 1 }).default(2) });

interface IngestFlags extends SourceFlags {
  limit?: string;
  since?: string;
  license?: string;
  concurrency: string;
  force?: boolean;
  includeRetracted?: boolean;
  json?: boolean;
}

export function registerIngest(program: Command): void {
  const command = program
    .command('ingest')
    .description('ingest articles directly (no queue): JATS → figures → images in S3 → rows in Postgres')
    .option('--limit <n>', 'stop after N articles')
    .option('--since <date>', 'only article versions modified after this date (inventory and dir sources)')
    .option('--license <groups>', 'licence groups to keep: comm, noncomm, other, comma-separated, or all (default $LICENSE_GROUPS)')
    .option('--include-retracted', 'keep retracted articles')
    .option('--concurrency <n>', 'articles in flight', '2')
    .option('--force', 're-ingest articles already done at the current ingest version')
    .option('--json', 'print the summary as JSON');
  addSourceOptions(command).action(async (flags: IngestFlags) => {
    const { limit, concurrency } = parseFlags(numbers, flags);
    const config = loadConfig();
    const spec = await sourceSpecFromFlags(flags);
    const source = createSource(spec, config);
    const runtime = await createRuntime(config);
    let progress: Progress | null = null;
    let failures = 0;
    try {
      const summary = await ingestDirect(runtime, {
        source,
        ingest: {
          licenseGroups: licenseGroupsFromFlag(flags.license, config.LICENSE_GROUPS),
          skipRetracted: flags.includeRetracted ? false : config.SKIP_RETRACTED,
          imageLimits: { minSide: config.MIN_IMAGE_SIDE, maxSide: config.MAX_IMAGE_SIDE, maxPixels: config.MAX_IMAGE_PIXELS, maxBytes: 200_000_000 },
        },
        ...(limit !== undefined ? { limit } : {}),
        ...(flags.since ? { since: new Date(flags.since) } : {}),
        concurrency,
        force: Boolean(flags.force),
        onListed: (count) => {
          progress = createProgress(count, 'ingest');
        },
        onArticle: (outcome) => {
          if (outcome.status === 'failed') failures += 1;
          else if (outcome.status === 'ingested') failures += outcome.failures.length;
          progress?.increment({ failures });
        },
      });
      (progress as Progress | null)?.stop();
      process.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatIngestSummary(summary)}\n`);
    } finally {
      await runtime.close();
    }
  });
}
