import { z } from 'zod';
import { dashboardSettingsShape } from '@pmc-curator/dashboard/config';
import { booleanFlag, parseEnv, storeSettingsShape } from '@pmc-curator/store/settings';

/**
 * Every setting, read from the environment once and validated. Defaults work on a developer machine
 * with local Redis, PostgreSQL and an s3rver on 127.0.0.1:4568. The stores' settings (DATABASE_URL, REDIS_*,
 * QUEUE_PREFIX, S3_*) are defined in @pmc-curator/store/settings, the dashboard's (DASHBOARD_*) in
 * @pmc-curator/dashboard/config; the rest here.
 */
export const configSchema = z.object({
  ...storeSettingsShape,
  /** Where PMC articles are read from (PMC Cloud layout). */
  PMC_SOURCE_BUCKET: z.string().default('pmc-oa-opendata'),
  /** Endpoint of the PMC source; empty = the S3 endpoint above. Use https://s3.amazonaws.com for the real bucket. */
  PMC_SOURCE_ENDPOINT: z.string().default(''),
  /** Anonymous (unsigned) requests to the PMC source, as the public bucket allows. */
  PMC_SOURCE_ANONYMOUS: booleanFlag.default(false),
  PMC_SOURCE_REGION: z.string().default('us-east-1'),
  /** Requests per second to the PMC source (0 = unlimited). */
  PMC_SOURCE_RPS: z.coerce.number().nonnegative().default(0),
  MIN_IMAGE_SIDE: z.coerce.number().int().positive().default(32),
  MAX_IMAGE_SIDE: z.coerce.number().int().positive().default(20_000),
  MAX_IMAGE_PIXELS: z.coerce.number().int().positive().default(200_000_000),
  /** Longest side, in pixels, at which detection analyses an image (layout + OCR); boxes come back in original pixels. */
  ANALYSIS_MAX_SIDE: z.coerce.number().int().min(256).default(2000),
  /** Largest file read from a source (XML, metadata, media, a legacy package); checked before and while reading. */
  MAX_SOURCE_FILE_BYTES: z.coerce.number().int().positive().default(256 * 2 ** 20),
  /** Largest total a legacy tar.gz may expand to; past it the package is refused as a DecompressionBomb at once. */
  MAX_ARCHIVE_BYTES: z.coerce.number().int().positive().default(1024 * 2 ** 20),
  /** Longest figure caption accepted (characters); a longer one is a CaptionTooLong failure of its figure. */
  MAX_CAPTION_CHARS: z.coerce.number().int().positive().default(20_000),
  /** Resident memory of one ingest/detect child process, in MiB; over it the child is killed and its task fails (MemoryLimitExceeded). 0 = no limit. */
  WORKER_MAX_RSS_MB: z.coerce.number().int().nonnegative().default(3072),
  /** Licence groups to keep: comm, noncomm, other (comma-separated). */
  LICENSE_GROUPS: z.string().default('comm'),
  SKIP_RETRACTED: booleanFlag.default(true),
  ...dashboardSettingsShape,
  WORKER_NAME: z.string().optional(),
  /** Daemon log level (pino): fatal, error, warn, info, debug, trace, silent. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Daemon log lines: json (one object a line) or pretty (a compact human line); unset = pretty on a terminal, else json. */
  LOG_FORMAT: z.union([z.enum(['json', 'pretty']), z.literal('').transform(() => undefined)]).optional(),
  /** Attempts per queue job before it lands in the failure ledger as exhausted. */
  JOB_ATTEMPTS: z.coerce.number().int().positive().default(5),
  /** First retry delay of the exponential backoff (with jitter), in ms. */
  JOB_BACKOFF_MS: z.coerce.number().int().nonnegative().default(2000),
  /** Per-job timeout; the work is stopped (its child process killed) and retried as a transient Timeout. */
  JOB_TIMEOUT_MS: z.coerce.number().int().positive().default(300_000),
  /** Completed jobs kept in Redis (newest N, at most this many seconds old); Postgres holds the durable history. */
  KEEP_COMPLETED_COUNT: z.coerce.number().int().nonnegative().default(1000),
  KEEP_COMPLETED_SECONDS: z.coerce.number().int().nonnegative().default(3600),
  /** Failed jobs kept in Redis; the failure ledger in Postgres keeps all of them. */
  KEEP_FAILED_COUNT: z.coerce.number().int().nonnegative().default(5000),
  KEEP_FAILED_SECONDS: z.coerce.number().int().nonnegative().default(7 * 24 * 3600),
  /** Job lock; a worker that dies loses its jobs to another worker after about this long. */
  LOCK_DURATION_MS: z.coerce.number().int().positive().default(30_000),
  /** How often workers look for stalled jobs. */
  STALLED_INTERVAL_MS: z.coerce.number().int().positive().default(30_000),
  /** Articles per second the ingest queue hands out across all workers (0 = unlimited); PMC_SOURCE_RPS limits requests per process. */
  INGEST_RATE_LIMIT: z.coerce.number().nonnegative().default(0),
  /**
   * Detector for the detect stage: layout-ocr, layout, onnx (with DETECTOR_MODEL), learned (the committed panel
   * model models/panel-detector, or DETECTOR_MODEL) or combined (the learned boxes + OCR labels and the caption,
   * layout-ocr for figures the model is unsure of). The default is combined: on the real-dev dev split it scores
   * box F1 0.979 / count in range 1.000 / labels read 0.928 (detect stage 7) against layout-ocr-1.1's 0.910 / 0.925 / 0.845.
   */
  DETECTOR: z.string().default('combined'), // = DEFAULT_DETECTOR of @pmc-curator/pipeline/detect (not imported: it loads onnxruntime)
  DETECTOR_MODEL: z.string().optional(),
  /** A module exporting `createDetector(options)` to use instead of the built-in detectors (plugins, tests). */
  DETECTOR_MODULE: z.string().optional(),
  /** Try onnxruntime's CUDA provider although this build does not bundle its libraries (they were installed separately). */
  PMC_CURATOR_ORT_CUDA: booleanFlag.default(false),
  /** Dynamic batching of detect jobs: at most this many images per inference call... */
  DETECT_MAX_BATCH: z.coerce.number().int().positive().default(8),
  /** ...waiting at most this long for a batch to fill. */
  DETECT_MAX_WAIT_MS: z.coerce.number().int().nonnegative().default(20),
  /** Child processes running detection (each loads its own models). */
  DETECT_THREADS: z.coerce.number().int().positive().default(1),
  /** Child processes running ingest (XML parsing and image normalisation off the event loop). */
  INGEST_THREADS: z.coerce.number().int().positive().default(2),
  /** On SIGTERM, how long in-flight jobs may run before they are handed back to the queue. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().nonnegative().default(20_000),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseEnv(configSchema, env);
}

