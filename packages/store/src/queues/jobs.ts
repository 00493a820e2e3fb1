import type { FlowJob, JobsOptions } from 'bullmq';
import type { ArticleRef } from '@pmc-curator/pipeline/sources';
import type { JobPolicySettings } from '../settings.ts';
import { figureJobKey, finalizeJobId, jobId } from './job-ids.ts';
import { defaultJobOptions } from './policy.ts';
import { QUEUE_NAMES } from './queues.ts';

/** An ArticleRef as it travels through Redis (dates as ISO strings). */
export interface ArticleRefData {
  key: string;
  sourceKind: ArticleRef['sourceKind'];
  location: string;
  pmcid?: string;
  version?: number;
}

export interface IngestJobData {
  ref: ArticleRefData;
  runId: string | null;
  force?: boolean;
  /** Reprocessing generation (see job ids); passed on to the article's flow. */
  generation?: string;
}

export interface FigureJobData {
  articleKey: string;
  articleId: string;
  figureId: string;
  /** `figureJobKey` of the figure row (job ids and logs). */
  figureKey: string;
  runId: string | null;
}

/** The job name of an article's finalising job, which waits in the align queue for the figure jobs. */
export const FINALIZE_JOB = 'finalize';

export interface ArticleJobData {
  articleKey: string;
  articleId: string;
  runId: string | null;
}

export function refToData(ref: ArticleRef): ArticleRefData {
  return {
    key: ref.key,
    sourceKind: ref.sourceKind,
    location: ref.location,
    ...(ref.pmcid !== undefined ? { pmcid: ref.pmcid } : {}),
    ...(ref.version !== undefined ? { version: ref.version } : {}),
  };
}

export function ingestJob(config: JobPolicySettings, data: IngestJobData): { name: string; data: IngestJobData; opts: JobsOptions } {
  return {
    name: 'ingest',
    data,
    opts: { ...defaultJobOptions(config), jobId: jobId({ articleKey: data.ref.key, stage: 'ingest', ...(data.generation ? { generation: data.generation } : {}) }) },
  };
}

export interface ArticleFlowInput {
  articleKey: string;
  articleId: string;
  runId: string | null;
  figures: Array<{ id: string; jatsId: string; graphicIndex: number }>;
  generation?: string;
}

/**
 * One article as a BullMQ flow: the article's finalising job waits for one align job per figure, each of
 * which waits for that figure's detect job. Failed children are recorded as ignored dependencies, so one bad
 * figure never blocks its article; the finalising job reads the outcome from Postgres. It lives in the align
 * queue, so every deployment that aligns also finalises: no pool of its own is needed.
 */
export function articleFlow(config: JobPolicySettings, input: ArticleFlowInput): FlowJob {
  const options = defaultJobOptions(config);
  const generation = input.generation ? { generation: input.generation } : {};
  const child = { ...options, ignoreDependencyOnFailure: true };
  return {
    name: FINALIZE_JOB,
    queueName: QUEUE_NAMES.align,
    data: { articleKey: input.articleKey, articleId: input.articleId, runId: input.runId } satisfies ArticleJobData,
    opts: { ...options, jobId: finalizeJobId(input.articleKey, input.generation) },
    children: input.figures.map((figure) => {
      const figureKey = figureJobKey(figure);
      const data: FigureJobData = { articleKey: input.articleKey, articleId: input.articleId, figureId: figure.id, figureKey, runId: input.runId };
      return {
        name: 'align',
        queueName: QUEUE_NAMES.align,
        data,
        opts: { ...child, jobId: jobId({ articleKey: input.articleKey, stage: 'align', figure: figureKey, ...generation }) },
        children: [
          {
            name: 'detect',
            queueName: QUEUE_NAMES.detect,
            data,
            opts: { ...child, jobId: jobId({ articleKey: input.articleKey, stage: 'detect', figure: figureKey, ...generation }) },
          },
        ],
      };
    }),
  };
}
