import type { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../config.ts';
import { collectGarbage } from '../run/gc.ts';
import { createRuntime } from '../runtime.ts';
import { numberFlag, parseFlags } from './support/flags.ts';

const flagsSchema = z.object({
  olderThan: numberFlag({ min: 0, unit: 'minutes' }).default(60),
  dryRun: z.boolean().optional(),
  json: z.boolean().optional(),
});

export function registerGc(program: Command): void {
  program
    .command('gc')
    .description('delete curated objects (originals/, normalized/, crops/) that no row points at and that are older than --older-than')
    .option('--older-than <minutes>', 'grace period for objects of jobs still running (keep it above the job timeout)', '60')
    .option('--dry-run', 'report what would be deleted, delete nothing')
    .option('--json', 'print the report as JSON')
    .action(async (rawFlags: unknown) => {
      const flags = parseFlags(flagsSchema, rawFlags as object);
      const runtime = await createRuntime(loadConfig());
      try {
        const report = await collectGarbage(runtime.db, runtime.store, {
          olderThanMs: flags.olderThan * 60_000,
          dryRun: Boolean(flags.dryRun),
          onProgress: (r) => process.stderr.write(`\rscanned ${r.scanned}, referenced ${r.referenced}, deleted ${r.deleted}`),
        });
        process.stderr.write('\n');
        const verb = flags.dryRun ? 'would delete' : 'deleted';
        process.stdout.write(
          flags.json
            ? `${JSON.stringify(report, null, 2)}\n`
            : `scanned ${report.scanned} objects: ${report.referenced} referenced, ${report.young} unreferenced but younger than ${flags.olderThan} min, ${verb} ${report.deleted}\n`,
        );
      } finally {
        await runtime.close();
      }
    });
}
