import { CurationError, ERROR_CLASSES, type ErrorClass } from '@pmc-curator/pipeline/errors';
import { captionPanelLabels } from '@pmc-curator/pipeline/detect';
import { type Db, figureSubject, persistDetection, resolveFailure } from '@pmc-curator/store/db';
import { type FigureJobData, STAGE_VERSIONS } from '@pmc-curator/store/queues';
import type { ObjectStore } from '@pmc-curator/store/storage';
import type { DetectItem, DetectItemResult } from '../workers/detect-thread.ts';

export interface DetectStageDeps {
  db: Db;
  store: ObjectStore;
  /** Detects one image; in workers this goes through the dynamic batcher to a detection thread. */
  detect(item: DetectItem): Promise<DetectItemResult>;
}

export type DetectOutcome = { status: 'detected'; panels: number; cropsWritten: number } | { status: 'unchanged' | 'skipped'; panels: number };

/** Content-addressed crop key: the same pixels always land at the same key, whoever writes them. */
export const cropKey = (sha256: string) => `crops/${sha256.slice(0, 2)}/${sha256}.jpg`;

export function toCurationError(errorClass: string, message: string, subject?: string): CurationError {
  const known = errorClass in ERROR_CLASSES ? (errorClass as ErrorClass) : 'Internal';
  return new CurationError(known, message, subject ? { subject } : {});
}

/**
 * Detects the panels of one stored figure and writes crops (S3, content-addressed) and subfigures (Postgres,
 * replaced in one transaction). Idempotent: a figure already done at the current detect version is left alone,
 * also when another worker finishes it while this one detects (the write checks again under the row lock).
 */
export async function runDetectStage(deps: DetectStageDeps, data: FigureJobData): Promise<DetectOutcome> {
  const figure = await deps.db.figure.findUnique({
    where: { id: data.figureId },
    select: { jatsId: true, graphicIndex: true, graphicHref: true, caption: true, normalizedKey: true, imageKey: true, width: true, detectStatus: true, detectVersion: true, _count: { select: { subfigures: true } } },
  });
  if (!figure) return { status: 'skipped', panels: 0 };
  if (figure.detectStatus === 'done' && figure.detectVersion === STAGE_VERSIONS.detect) return { status: 'unchanged', panels: figure._count.subfigures };
  const key = figure.normalizedKey ?? figure.imageKey;
  if (!key) return { status: 'skipped', panels: 0 };
  const bytes = await deps.store.get(key);
  const result = await deps.detect({ bytes, captionLabels: captionPanelLabels(figure.caption) });
  if (!result.ok) throw toCurationError(result.errorClass, result.message, figureSubject(figure));
  // Detection ran on the normalised copy; rows store boxes in original-image pixels.
  const scale = figure.width && result.width ? figure.width / result.width : 1;
  const box = (b: readonly number[]): [number, number, number, number] => [b[0]!, b[1]!, b[2]!, b[3]!].map((v) => Math.round(v * scale)) as [number, number, number, number];
  let cropsWritten = 0;
  const subfigures = [];
  for (const [index, panel] of result.panels.entries()) {
    const keyOfCrop = cropKey(panel.crop.sha256);
    if (await deps.store.putIfAbsent(keyOfCrop, panel.crop.bytes, 'image/jpeg')) cropsWritten += 1;
    subfigures.push({
      index,
      box: box(panel.box),
      labelText: panel.label?.text ?? null,
      labelBox: panel.label ? box(panel.label.box) : null,
      score: panel.score,
      cropKey: keyOfCrop,
      cropSha256: panel.crop.sha256,
    });
  }
  const record = { figureId: data.figureId, method: result.method, modelVersion: result.modelVersion, detectVersion: STAGE_VERSIONS.detect, subfigures };
  // Another worker finished this figure while we ran (our job was taken over): its rows, and the pairs aligned from them, stay.
  if (!(await persistDetection(deps.db, record, { unlessDoneAt: STAGE_VERSIONS.detect }))) {
    return { status: 'unchanged', panels: await deps.db.subfigure.count({ where: { figureId: data.figureId } }) };
  }
  await resolveFailure(deps.db, data.articleKey, 'detect', figureSubject(figure));
  return { status: 'detected', panels: subfigures.length, cropsWritten };
}
