import type { FailureStage, StageStatus } from '@prisma/client';
import { z } from 'zod';
import { ALIGN_METHODS } from '@pmc-curator/store/db';

/** Query and path parameters, parsed at the edge; handlers receive only parsed values. */
/** The pipeline's stages (packages/store/src/queues/stage-versions.ts); each has a queue and Postgres status columns. */
export const STAGES = ['ingest', 'detect', 'align'] as const satisfies readonly FailureStage[];
/** The StageStatus enum's values, in the order the tables show them. */
export const STATUSES = ['pending', 'done', 'failed', 'skipped'] as const satisfies readonly StageStatus[];
// Both lists name every value of their enum: a value added to the schema fails to compile here until listed.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _everyStage: Same<(typeof STAGES)[number], FailureStage> = true;
const _everyStatus: Same<(typeof STATUSES)[number], StageStatus> = true;

export type Stage = (typeof STAGES)[number];
export type Status = (typeof STATUSES)[number];

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

const page = z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100_000).default(1));
const pageSize = z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(200).default(50));

/** An ISO date/time, or a duration back from now: 30m, 24h, 7d. */
const RELATIVE = /^(\d{1,6})([mhd])$/;
export function parseSince(value: string, now: Date = new Date()): Date | null {
  const relative = RELATIVE.exec(value);
  if (relative) {
    const amount = Number(relative[1]);
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'];
    return inRange(new Date(now.getTime() - amount * unit));
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  return inRange(new Date(value));
}

/** Dates the ledger can be asked about: 1970 to 9999 (999999d back is no date at all, 0001-01-01 none Postgres keeps). */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(10_000, 0, 1) - 1;
function inRange(date: Date): Date | null {
  const time = date.getTime();
  return Number.isNaN(time) || time < EARLIEST || time > LATEST ? null : date;
}

const since = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const date = parseSince(value);
      if (!date) {
        ctx.addIssue({ code: 'custom', message: 'since must be an ISO date from 1970 on (2026-01-31 or 2026-01-31T12:00:00Z) or a duration like 30m, 24h, 7d back to 1970' });
        return z.NEVER;
      }
      return date;
    }),
);

const identifier = z.string().max(200).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits, _ . : - only');

export const failuresQuery = z.strictObject({
  stage: z.preprocess(emptyToUndefined, z.enum(STAGES).optional()),
  errorClass: z.preprocess(emptyToUndefined, identifier.optional()),
  resolved: z.preprocess(emptyToUndefined, z.enum(['false', 'true', 'all']).default('false')),
  run: z.preprocess(emptyToUndefined, identifier.optional()),
  since,
  page,
  pageSize,
});
export type FailuresQuery = z.infer<typeof failuresQuery>;

export const pairsQuery = z.strictObject({
  method: z.preprocess(emptyToUndefined, z.enum(ALIGN_METHODS, { message: `method is one of ${ALIGN_METHODS.join(', ')}` }).optional()),
  minConfidence: z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(1).optional()),
  page,
  pageSize,
});
export type PairsQuery = z.infer<typeof pairsQuery>;

export const noQuery = z.strictObject({});

/** Path text as Postgres can store and compare it: no NUL or other control characters. */
const pathText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'no control characters');

export const runParams = z.strictObject({ id: pathText(200) });
export const articleParams = z.strictObject({ key: pathText(500) });

/** Object keys as the curator writes them: content-addressed, no traversal, no odd characters. */
export const objectParams = z.strictObject({
  key: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, 'not an object key')
    .refine((key) => !key.split('/').some((part) => part === '' || part === '.' || part === '..'), 'not an object key'),
});

export interface ParseFailure {
  where: 'query' | 'params';
  issues: Array<{ path: string; message: string }>;
}

export function parseInput<T>(
  schema: z.ZodType<T>,
  value: unknown,
  where: ParseFailure['where'],
): { ok: true; value: T } | { ok: false; failure: ParseFailure } {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    failure: { where, issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) },
  };
}
