import { randomUUID } from 'node:crypto';
import { CurationError } from '@pmc-curator/pipeline/errors';
import type { IngestOptions, LicenseGroup } from '@pmc-curator/pipeline/ingest';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { SourceSpec } from '../sources.ts';

/** The filters of a run, stored on the Run row so any worker can rebuild the same ingest. */
export interface RunFilters {
  licenseGroups: LicenseGroup[];
  skipRetracted: boolean;
  since?: string;
  limit?: number;
}

export interface RunSettings {
  id: string;
  spec: SourceSpec;
  filters: RunFilters;
}

/** A sortable, readable run id: run-20261128T101500-ab12cd. */
export function newRunId(now = new Date()): string {
  return `run-${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomUUID().slice(0, 6)}`;
}

export async function createRun(db: Db, spec: SourceSpec, filters: RunFilters, id = newRunId()): Promise<RunSettings> {
  await db.run.create({ data: { id, source: JSON.stringify(spec), filters: filters as object, startedAt: new Date() } });
  return { id, spec, filters };
}

export async function readRunSettings(db: Db, runId: string): Promise<RunSettings> {
  const run = await db.run.findUnique({ where: { id: runId } });
  if (!run) throw new CurationError('InvalidInput', `run ${runId} does not exist; enqueue the articles again with curator enqueue`);
  return { id: run.id, spec: JSON.parse(run.source) as SourceSpec, filters: run.filters as unknown as RunFilters };
}

export function ingestOptionsFor(filters: RunFilters, config: Config): IngestOptions {
  return {
    licenseGroups: filters.licenseGroups,
    skipRetracted: filters.skipRetracted,
    imageLimits: { minSide: config.MIN_IMAGE_SIDE, maxSide: config.MAX_IMAGE_SIDE, maxPixels: config.MAX_IMAGE_PIXELS, maxBytes: 200_000_000 },
  };
}
