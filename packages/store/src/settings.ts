import { z } from 'zod';

/** An environment flag: 1/0, true/false, yes/no. */
export const booleanFlag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((value) => value === '1' || value === 'true' || value === 'yes');

/**
 * Where the stores live: PostgreSQL, Redis (the queues) and the curated bucket. One definition of these
 * settings (validation and defaults), spread into the worker's and the dashboard's config schemas. Defaults
 * work on a developer machine with local Redis, PostgreSQL and an s3rver on 127.0.0.1:4568.
 */
export const storeSettingsShape = {
  DATABASE_URL: z.string().default('postgresql://postgres@127.0.0.1:5432/pmc_curator'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /**
   * Redis Cluster seed nodes, `host:port,host:port,...`; when set, every queue, flow, worker and command runs on
   * the cluster (REDIS_URL is then unused). Empty = the single node in REDIS_URL.
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .default('')
    .refine(
      (value) => value.trim() === '' || value.split(',').every((entry) => /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}$/.test(entry.trim())),
      'comma-separated host:port pairs of Redis Cluster nodes, e.g. redis-0:6379,redis-1:6379',
    ),
  /** BullMQ key prefix; the braces make it a Redis Cluster hash tag so all of a queue's keys share a slot. */
  QUEUE_PREFIX: z.string().default('{pmc}'),
  S3_ENDPOINT: z.string().default('http://127.0.0.1:4568'),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().default('S3RVER'),
  S3_SECRET_ACCESS_KEY: z.string().default('S3RVER'),
  S3_FORCE_PATH_STYLE: booleanFlag.default(true),
  /** Bucket where curated images, normalised copies and crops are written. */
  S3_BUCKET: z.string().default('pmc-curator'),
};

const storeSettingsSchema = z.object(storeSettingsShape);

export type StoreSettings = z.infer<typeof storeSettingsSchema>;

/** Retries and retention of queue jobs (validated, with their defaults, by the worker's config). */
export interface JobPolicySettings {
  /** Attempts per queue job before it lands in the failure ledger as exhausted. */
  JOB_ATTEMPTS: number;
  /** First retry delay of the exponential backoff (with jitter), in ms. */
  JOB_BACKOFF_MS: number;
  KEEP_COMPLETED_COUNT: number;
  KEEP_COMPLETED_SECONDS: number;
  KEEP_FAILED_COUNT: number;
  KEEP_FAILED_SECONDS: number;
}

/** What a queue set needs: where Redis is and the job policy. */
export type QueueSettings = Pick<StoreSettings, 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'QUEUE_PREFIX'> & JobPolicySettings;

/** Validates environment variables against a schema; the error names every variable that is wrong. */
export function parseEnv<Schema extends z.ZodType>(schema: Schema, env: NodeJS.ProcessEnv): z.infer<Schema> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid configuration (${problems}); fix the environment variables named here`);
  }
  return parsed.data;
}

/** The store settings alone, from the environment. */
export function loadStoreSettings(env: NodeJS.ProcessEnv = process.env): StoreSettings {
  return parseEnv(storeSettingsSchema, env);
}
