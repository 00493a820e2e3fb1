import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { CurationError } from '@pmc-curator/pipeline/errors';
import type { IngestOptions, LicenseGroup } from '@pmc-curator/pipeline/ingest';
import type { Config } from '../config.ts';
import type { Db } from '@pmc-curator/store/db';
import type { SourceSpec } from '../sources.ts';

/** The filters of a run, stored on the Run row so any worker can rebuild the same ingest. */
const runFiltersSchema = z.object({
  licenseGroups: z.array(z.enum(['comm', 'noncomm', 'other'] satisfies LicenseGroup[])).min(1),
  skipRetracted: z.boolean(),
  since: z.string().optional(),
  limit: z.number().int().positive().optional(),
});
export type RunFilters = z.infer<typeof runFiltersSchema>;

export interface RunSettings {
  id: string;
  spec: SourceSpec;
  filters: RunFilters;
}

/** A sortable, readable run id: run-20261128T101500-ab12cd. */
function newRunId(now = new Date()): string {
  return `run-${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomUUID().slice(0, 6)}`;
}

export async function createRun(db: Db, spec: SourceSpec, filters: RunFilters, id = newRunId()): Promise<RunSettings> {
  await db.run.create({ data: { id, source: JSON.stringify(spec), filters, startedAt: new Date() } });
  return { id, spec, filters };
}

export async function readRunSettings(db: Db, runId: string): Promise<RunSettings> {
  const run = await db.run.findUnique({ where: { id: runId } });
  if (!run) throw new CurationError('InvalidInput', `run ${runId} does not exist; enqueue the articles again with curator enqueue`);
  const filters = runFiltersSchema.safeParse(run.filters);
  if (!filters.success) throw new CurationError('InvalidInput', `run ${runId} has unreadable filters (${filters.error.issues[0]?.message ?? 'invalid'}); enqueue the articles again with curator enqueue`);
  return { id: run.id, spec: JSON.parse(run.source) as SourceSpec, filters: filters.data };
}

export function ingestOptionsFor(filters: RunFilters, config: Config): IngestOptions {
  return {
    licenseGroups: filters.licenseGroups,
    skipRetracted: filters.skipRetracted,
    imageLimits: { minSide: config.MIN_IMAGE_SIDE, maxSide: config.MAX_IMAGE_SIDE, maxPixels: config.MAX_IMAGE_PIXELS, maxBytes: 200_000_000 },
    maxCaptionChars: config.MAX_CAPTION_CHARS,
  };
}
