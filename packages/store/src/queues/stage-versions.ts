import { INGEST_VERSION } from '@pmc-curator/pipeline/ingest';

/**
 * The version of every stage, in one place. Job ids include them, and Article/Figure rows store them, so
 * bumping DETECT_VERSION makes `curator reprocess --stage-version-below detect:N` and `curator enqueue`
 * reprocess exactly what the new version changes.
 */
export const STAGE_VERSIONS = {
  ingest: INGEST_VERSION,
  /** Bump when the detector, its settings or the crop format change. */
  detect: 7,
  /** Bump when the caption splitter or the aligner change. */
  align: 5,
  /** The article's finalising job (outcome, run completion); it runs in the align queue and pool. */
  finalize: 2,
} as const;

/** The stages, each with its queue and worker pool; finalising an article is a job of the align pool. */
export type StageName = 'ingest' | 'detect' | 'align';
export const STAGES: readonly StageName[] = ['ingest', 'detect', 'align'];

export function isStageName(value: string): value is StageName {
  return (STAGES as readonly string[]).includes(value);
}
