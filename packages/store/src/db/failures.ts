import type { FailureStage } from '@prisma/client';
import type { CurationError } from '@pmc-curator/pipeline/errors';
import type { Db } from './client.ts';

/** The stage a ledger row belongs to (the FailureStage enum: ingest | detect | align). */
export type Stage = FailureStage;

export interface FailureRecord {
  articleKey: string;
  stage: Stage;
  /** What inside the article failed ("" = the article itself; else a figure id or object key). */
  subject?: string;
  figureJatsId?: string | null;
  error: CurationError;
  attempt?: number;
  worker?: string | null;
  runId?: string | null;
}

type Tx = Pick<Db, 'failure'>;

/** Writes one ledger row, or updates it when the same (article, stage, subject) failed before. */
export async function recordFailure(db: Tx, record: FailureRecord): Promise<void> {
  const subject = record.subject ?? '';
  const fields = {
    errorClass: record.error.errorClass,
    kind: record.error.kind,
    message: record.error.message.slice(0, 4000),
    attempt: record.attempt ?? 1,
    worker: record.worker ?? null,
    lastSeenAt: new Date(),
    resolved: false,
    resolvedAt: null,
    figureJatsId: record.figureJatsId ?? null,
  };
  await db.failure.upsert({
    where: { articleKey_stage_subject: { articleKey: record.articleKey, stage: record.stage, subject } },
    create: { articleKey: record.articleKey, stage: record.stage, subject, runId: record.runId ?? null, ...fields },
    update: { ...fields, ...(record.runId ? { runId: record.runId } : {}) },
  });
}

/** Marks earlier failures of a stage resolved, except the subjects that are still failing. */
export async function resolveFailures(db: Tx, articleKey: string, stage: Stage, stillFailing: string[] = []): Promise<void> {
  await db.failure.updateMany({
    where: { articleKey, stage, resolved: false, subject: { notIn: stillFailing } },
    data: { resolved: true, resolvedAt: new Date() },
  });
}
