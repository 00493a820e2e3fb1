import { z } from 'zod';
import { ALIGN_METHODS, type AlignMethod } from '@pmc-curator/store/db';
import { intFlag, numberFlag } from '../cli/support/flags.ts';

/** What `curator export` was asked for, validated once. Everything that decides the output's bytes is here. */
export const FORMATS = ['webdataset', 'parquet', 'jsonl'] as const;
export type ExportFormat = (typeof FORMATS)[number];

const DEFAULT_SHARD_SAMPLES = 10_000;
const DEFAULT_SHARD_BYTES = 1_000_000_000;

const methodList = z
  .string()
  .transform((value) => [...new Set(value.split(',').map((part) => part.trim()).filter(Boolean))].sort())
  .refine((methods) => methods.length > 0, 'name at least one method, e.g. --methods label,position')
  .pipe(z.array(z.enum(ALIGN_METHODS, { message: `methods are ${ALIGN_METHODS.join(', ')}` })));

const exportOptionsSchema = z.object({
  run: z.string().min(1, 'give a run id or "latest"'),
  format: z.enum(FORMATS, { message: `--format takes ${FORMATS.join(', ')}` }),
  out: z.string().min(1, 'give --out DIR or --out s3://bucket/prefix'),
  minConfidence: numberFlag({ min: 0, max: 1 }).optional(),
  license: z.enum(['comm', 'noncomm', 'all'], { message: '--license takes comm, noncomm or all' }).default('all'),
  methods: methodList.optional(),
  wholeFigures: z.boolean().default(false),
  shardSize: intFlag({ min: 1 }).default(DEFAULT_SHARD_SAMPLES),
  shardBytes: intFlag({ min: 1 }).default(DEFAULT_SHARD_BYTES),
  imageBytes: z.boolean().default(true),
  /** Crops fetched from S3 at once (order is kept). */
  concurrency: intFlag({ min: 1, max: 256 }).default(16),
});

export type ExportOptions = z.infer<typeof exportOptionsSchema>;

/** Parses raw CLI flags; the error names the flag and what it takes. */
export function parseExportOptions(raw: Record<string, unknown>): ExportOptions {
  const parsed = exportOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `--${issue.path.join('.').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}`);
    throw new Error(`invalid export options (${problems.join('; ')}); see curator export --help`);
  }
  return parsed.data;
}

/** The options that decide which samples land in which shard; a resumed export must match them exactly. */
export interface ExportIdentity {
  run: string;
  format: ExportFormat;
  filters: { minConfidence: number | null; license: 'comm' | 'noncomm' | 'all'; methods: AlignMethod[] | null; wholeFigures: boolean };
  shardSize: number;
  shardBytes: number;
  imageBytes: boolean;
}

export function exportIdentity(options: ExportOptions, runId: string): ExportIdentity {
  return {
    run: runId,
    format: options.format,
    filters: {
      minConfidence: options.minConfidence ?? null,
      license: options.license,
      methods: options.methods ?? null,
      wholeFigures: options.wholeFigures,
    },
    shardSize: options.shardSize,
    shardBytes: options.shardBytes,
    imageBytes: options.imageBytes,
  };
}

/** The command line that reproduces this export (without --out: the card lives in the output). */
export function canonicalCommand(identity: ExportIdentity): string {
  const parts = ['curator', 'export', '--run', identity.run, '--format', identity.format];
  const { filters } = identity;
  if (filters.minConfidence !== null) parts.push('--min-confidence', String(filters.minConfidence));
  if (filters.license !== 'all') parts.push('--license', filters.license);
  if (filters.methods) parts.push('--methods', filters.methods.join(','));
  if (filters.wholeFigures) parts.push('--whole-figures');
  if (identity.shardSize !== DEFAULT_SHARD_SAMPLES) parts.push('--shard-size', String(identity.shardSize));
  if (identity.shardBytes !== DEFAULT_SHARD_BYTES) parts.push('--shard-bytes', String(identity.shardBytes));
  if (!identity.imageBytes) parts.push('--no-image-bytes');
  parts.push('--out', '<this directory>');
  return parts.join(' ');
}
