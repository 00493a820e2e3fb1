import type { Job } from 'bullmq';
import { z } from 'zod';
import { CurationError } from '@pmc-curator/pipeline/errors';
import type { ArticleJobData, ArticleRefData, FigureJobData, IngestJobData } from './jobs.ts';

/**
 * What a job's data must hold before a processor touches it. Jobs come from our own enqueue code, but also
 * from anyone who can reach Redis or bull-board ("add job" with `{}`): data that fails its schema is a
 * permanent `InvalidJob` failure, recorded once and never retried, instead of a TypeError five times over.
 * The schemas check what the processors read; other fields pass through untouched.
 */
const text = (max: number) => z.string().min(1).max(max);
const runId = z.string().min(1).max(200).nullable();

const articleRefDataSchema = z.looseObject({
  key: text(500),
  sourceKind: z.enum(['pmc-s3', 'legacy', 'dir']),
  location: text(4096),
  pmcid: z.string().max(64).optional(),
  version: z.number().int().nonnegative().optional(),
}) satisfies z.ZodType<ArticleRefData>;

export const ingestJobDataSchema = z.looseObject({
  ref: articleRefDataSchema,
  runId,
  force: z.boolean().optional(),
  generation: z.string().max(200).optional(),
}) satisfies z.ZodType<IngestJobData>;

/** Detect and align jobs: the fields the figure stages read (the figure's job key only names the job). */
export const figureJobDataSchema = z.looseObject({
  articleKey: text(500),
  articleId: text(200),
  figureId: text(200),
  runId,
}) satisfies z.ZodType<Pick<FigureJobData, 'articleKey' | 'articleId' | 'figureId' | 'runId'>>;

/** The article's finalising job in the align queue. */
export const articleJobDataSchema = z.looseObject({
  articleKey: text(500),
  articleId: text(200),
  runId,
}) satisfies z.ZodType<ArticleJobData>;

export type JobDataCheck<T> = { ok: true; data: T } | { ok: false; error: CurationError; articleKey: string };

/**
 * The job's data when it matches its schema; else the InvalidJob error and the ledger key to record it under:
 * the data's article key when it has a usable one, else `job:<queue>/<id>`.
 */
export function checkJobData<T>(schema: z.ZodType, job: Pick<Job, 'id' | 'name' | 'queueName' | 'data'>): JobDataCheck<T> {
  const parsed = schema.safeParse(job.data);
  if (parsed.success) return { ok: true, data: job.data as T };
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(data)'}: ${issue.message}`)
    .join('; ');
  const data = (typeof job.data === 'object' && job.data !== null ? job.data : {}) as { articleKey?: unknown; ref?: { key?: unknown } };
  const claimed = typeof data.articleKey === 'string' ? data.articleKey : typeof data.ref?.key === 'string' ? data.ref.key : undefined;
  const articleKey = claimed && text(500).safeParse(claimed).success ? claimed : `job:${job.queueName}/${job.id}`;
  return { ok: false, error: new CurationError('InvalidJob', `${job.queueName} job ${job.id} (${job.name}) has invalid data: ${issues}`), articleKey };
}
