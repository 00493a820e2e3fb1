import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { createDb, requireMigratedDatabase } from '@pmc-curator/store/db';
import { createQueueSet, isStageName, type StageName } from '@pmc-curator/store/queues';
import { parseStageVersion, reprocessBelowVersion, reprocessFailed, reprocessStuck, type ReprocessSummary } from '../run/reprocess.ts';

interface ReprocessFlags {
  failed?: boolean;
  stuck?: boolean;
  stage?: string;
  errorClass?: string;
  since?: string;
  run?: string;
  stageVersionBelow?: string;
  json?: boolean;
}

export function registerReprocess(program: Command): void {
  program
    .command('reprocess')
    .description('re-enqueue exactly the failed articles/figures (--failed), unfinished articles no job will finish (--stuck) or what an older stage version produced (--stage-version-below)')
    .option('--failed', 'unresolved entries of the failure ledger not re-enqueued since they last failed')
    .option('--stuck', 'unfinished articles without a live job (see curator status)')
    .option('--stage <stage>', 'with --failed: only this stage (ingest, detect, align)')
    .option('--error-class <class>', 'with --failed: only this error class (e.g. Timeout, CorruptImage)')
    .option('--since <date>', 'with --failed: only failures seen since this date')
    .option('--run <id>', 'only this run')
    .option('--stage-version-below <stage:version>', 'figures/articles whose stored stage version is lower, e.g. detect:2')
    .option('--json', 'print the summary as JSON')
    .action(async (flags: ReprocessFlags) => {
      if ([flags.failed, flags.stuck, flags.stageVersionBelow].filter(Boolean).length !== 1) throw new Error('give one of --failed, --stuck or --stage-version-below STAGE:VERSION');
      if (flags.stage && !isStageName(flags.stage)) throw new Error(`--stage takes ingest, detect or align, not "${flags.stage}"`);
      if (flags.since && Number.isNaN(Date.parse(flags.since))) throw new Error(`--since takes a date like 2026-01-31, not "${flags.since}"`);
      const config = loadConfig();
      const db = createDb(config.DATABASE_URL);
      await requireMigratedDatabase(db, config.DATABASE_URL);
      const queues = createQueueSet(config, { maxRetriesPerRequest: 3 });
      try {
        let summary: ReprocessSummary;
        if (flags.failed) {
          summary = await reprocessFailed({ db, queues, config }, {
            ...(flags.stage ? { stage: flags.stage as StageName } : {}),
            ...(flags.errorClass ? { errorClass: flags.errorClass } : {}),
            ...(flags.since ? { since: new Date(flags.since) } : {}),
            ...(flags.run ? { runId: flags.run } : {}),
          });
        } else if (flags.stuck) {
          summary = await reprocessStuck({ db, queues, config }, flags.run ? { runId: flags.run } : {});
        } else {
          const { stage, version } = parseStageVersion(flags.stageVersionBelow!);
          summary = await reprocessBelowVersion({ db, queues, config }, { stage, version, ...(flags.run ? { runId: flags.run } : {}) });
        }
        process.stdout.write(
          flags.json
            ? `${JSON.stringify(summary, null, 2)}\n`
            : `matched ${summary.matched}: re-enqueued ${summary.articles} article ingests and ${summary.figures} figures in ${summary.flows} article flows` +
                `${summary.generation ? ` (generation ${summary.generation})` : ''}\nfollow with: curator status\n`,
        );
      } finally {
        await queues.close();
        await db.$disconnect();
      }
    });
}
