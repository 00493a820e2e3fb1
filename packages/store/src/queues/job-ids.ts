import { STAGE_VERSIONS, type StageName } from './stage-versions.ts';

/** BullMQ custom ids cannot contain ':'; keep ids readable and free of Redis-key separators. */
export function sanitizeIdPart(part: string): string {
  return part.replace(/[^A-Za-z0-9._-]/g, '_');
}

export interface JobIdParts {
  articleKey: string;
  stage: StageName | 'finalize';
  /** The figure row for figure-level jobs (see `figureJobKey`). */
  figure?: string;
  /** Stage version; defaults to the current one. */
  version?: number;
  /** Reprocessing generation: a deliberate re-run gets a new id; plain enqueues never set it. */
  generation?: string;
}

/**
 * Content-derived job id: `PMC123.1__fig-F2__detect__v1`. Adding a job whose id exists is a no-op in BullMQ, so
 * enqueuing the same article twice does nothing, and a new stage version yields new ids.
 */
export function jobId(parts: JobIdParts): string {
  const version = parts.version ?? STAGE_VERSIONS[parts.stage];
  const segments = [sanitizeIdPart(parts.articleKey)];
  if (parts.figure !== undefined) segments.push(`fig-${sanitizeIdPart(parts.figure)}`);
  segments.push(parts.stage, `v${version}`);
  if (parts.generation) segments.push(`g${sanitizeIdPart(parts.generation)}`);
  return segments.join('__');
}

/**
 * A figure row's stable part of its job ids: its JATS id, plus the graphic's position when a `<fig>` has several
 * graphics ("F3", "F3.g1"). Not the ordinal: ordinals shift when an article's graphics change.
 */
export function figureJobKey(figure: { jatsId: string; graphicIndex: number }): string {
  return figure.graphicIndex === 0 ? figure.jatsId : `${figure.jatsId}.g${figure.graphicIndex}`;
}

/** The article's finalising job (flow parent) id carries the detect and align versions its children ran with. */
export function finalizeJobId(articleKey: string, generation?: string): string {
  return jobId({
    articleKey,
    stage: 'finalize',
    version: Number(`${STAGE_VERSIONS.finalize}${STAGE_VERSIONS.detect}${STAGE_VERSIONS.align}`),
    ...(generation ? { generation } : {}),
  });
}
