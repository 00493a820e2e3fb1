import type { Db } from '@pmc-curator/store/db';
import type { S3ObjectStore } from '@pmc-curator/store/storage';

/** The content-addressed prefixes rows point into (Figure.imageKey, Figure.normalizedKey, Subfigure.cropKey). */
const OBJECT_PREFIXES = ['originals/', 'normalized/', 'crops/'] as const;

export interface GcOptions {
  /**
   * Objects younger than this are kept even when nothing points at them: a job may have written them and not yet
   * committed its rows (its retry will). Keep it above the job timeout. @defaultValue 1 hour
   */
  olderThanMs?: number;
  /** Report what would be deleted, delete nothing. */
  dryRun?: boolean;
  /** Keys checked against Postgres per query. @defaultValue 1000 */
  batchSize?: number;
  onProgress?: (report: GcReport) => void;
}

export interface GcReport {
  scanned: number;
  referenced: number;
  /** Unreferenced but within the grace period. */
  young: number;
  deleted: number;
  /** Keys deleted (or that a dry run would delete), at most the first 1000. */
  sample: string[];
  byPrefix: Record<string, { scanned: number; deleted: number }>;
}

/** Which of these keys a row points at. */
async function referencedKeys(db: Db, prefix: string, keys: string[]): Promise<Set<string>> {
  if (prefix === 'crops/') {
    const rows = await db.subfigure.findMany({ where: { cropKey: { in: keys } }, select: { cropKey: true }, distinct: ['cropKey'] });
    return new Set(rows.map((row) => row.cropKey!));
  }
  if (prefix === 'originals/') {
    const rows = await db.figure.findMany({ where: { imageKey: { in: keys } }, select: { imageKey: true }, distinct: ['imageKey'] });
    return new Set(rows.map((row) => row.imageKey!));
  }
  const rows = await db.figure.findMany({ where: { normalizedKey: { in: keys } }, select: { normalizedKey: true }, distinct: ['normalizedKey'] });
  return new Set(rows.map((row) => row.normalizedKey!));
}

/**
 * Deletes objects under the curated prefixes that no row points at: what a job wrote before being killed or
 * cut off from Postgres, when its retry never came (or wrote other bytes). Streams the listing in batches, so
 * memory stays flat however large the bucket. Running it twice, or while workers run, is safe.
 */
export async function collectGarbage(db: Db, store: S3ObjectStore, options: GcOptions = {}): Promise<GcReport> {
  const cutoff = Date.now() - (options.olderThanMs ?? 3_600_000);
  const batchSize = options.batchSize ?? 1000;
  const report: GcReport = { scanned: 0, referenced: 0, young: 0, deleted: 0, sample: [], byPrefix: {} };
  for (const prefix of OBJECT_PREFIXES) {
    const counts = { scanned: 0, deleted: 0 };
    report.byPrefix[prefix] = counts;
    let batch: Array<{ key: string; lastModified: Date | null }> = [];
    const flush = async () => {
      const entries = batch;
      batch = [];
      const referenced = await referencedKeys(db, prefix, entries.map((entry) => entry.key));
      for (const entry of entries) {
        if (referenced.has(entry.key)) {
          report.referenced += 1;
          continue;
        }
        if (!entry.lastModified || entry.lastModified.getTime() > cutoff) {
          report.young += 1;
          continue;
        }
        if (!options.dryRun) await store.delete(entry.key);
        report.deleted += 1;
        counts.deleted += 1;
        if (report.sample.length < 1000) report.sample.push(entry.key);
      }
      options.onProgress?.(report);
    };
    for await (const entry of store.listEntries(prefix)) {
      report.scanned += 1;
      counts.scanned += 1;
      batch.push(entry);
      if (batch.length >= batchSize) await flush();
    }
    if (batch.length > 0) await flush();
  }
  return report;
}
