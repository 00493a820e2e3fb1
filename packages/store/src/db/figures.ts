import type { Db } from './client.ts';
import type { Stage } from './failures.ts';
import { pairMethodOf, type AlignMethod } from './pair-methods.ts';

/** One detected panel, boxes in original-image pixels, with its stored crop. */
interface SubfigureInput {
  index: number;
  box: [number, number, number, number];
  labelText: string | null;
  labelBox: [number, number, number, number] | null;
  score: number;
  cropKey: string | null;
  cropSha256: string | null;
}

export interface DetectionRecord {
  figureId: string;
  method: string;
  modelVersion: string;
  detectVersion: number;
  subfigures: SubfigureInput[];
}

export interface PersistDetectionOptions {
  /**
   * Write nothing when the figure is already detected at this version (checked and claimed under the figure's
   * row lock, in the same transaction). A worker whose job was taken over after its lock expired (cut off, paused)
   * may finish the job late: without the guard its write would replace the taker's subfigures and drop the pairs
   * aligned meanwhile, leaving a curated article with an unaligned figure.
   */
  unlessDoneAt?: number;
}

/**
 * Replaces a figure's subfigures in one transaction (delete, then insert under unique (figureId, index)), so a
 * retried or recovered job leaves exactly one set of rows. Pairs of the old subfigures go with them (cascade).
 * Returns false when `unlessDoneAt` found the figure already done at that version (nothing written).
 */
export async function persistDetection(db: Db, record: DetectionRecord, options: PersistDetectionOptions = {}): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const figure = { detectStatus: 'done' as const, detectVersion: record.detectVersion, detectMethod: record.method, alignStatus: 'pending' as const };
    if (options.unlessDoneAt === undefined) {
      await tx.figure.update({ where: { id: record.figureId }, data: figure });
    } else {
      const claimed = await tx.figure.updateMany({ where: { id: record.figureId, NOT: { detectStatus: 'done', detectVersion: options.unlessDoneAt } }, data: figure });
      if (claimed.count === 0) return false;
    }
    await tx.subfigure.deleteMany({ where: { figureId: record.figureId } });
    await tx.subfigure.createMany({
      data: record.subfigures.map((panel) => ({
        figureId: record.figureId,
        index: panel.index,
        x1: panel.box[0],
        y1: panel.box[1],
        x2: panel.box[2],
        y2: panel.box[3],
        labelText: panel.labelText,
        labelBox: panel.labelBox ?? undefined,
        score: panel.score,
        method: record.method,
        modelVersion: record.modelVersion,
        detectVersion: record.detectVersion,
        cropKey: panel.cropKey,
        cropSha256: panel.cropSha256,
      })),
    });
    return true;
  });
}

export interface AlignmentRecord {
  figureId: string;
  alignVersion: number;
  sharedCaption: string | null;
  subcaptions: Array<{ index: number; label: string; text: string; confidence: number }>;
  pairs: Array<{ subfigureId: string; label: string | null; text: string; method: AlignMethod; confidence: number }>;
}

/** Replaces a figure's subcaptions (unique (figureId, label)) and pairs (unique subfigureId) in one transaction. */
export async function persistAlignment(db: Db, record: AlignmentRecord): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.pair.deleteMany({ where: { figureId: record.figureId } });
    await tx.subcaption.deleteMany({ where: { figureId: record.figureId } });
    const ids = new Map<string, string>();
    for (const sub of record.subcaptions) {
      const row = await tx.subcaption.create({
        data: { figureId: record.figureId, index: sub.index, label: sub.label, text: sub.text, confidence: sub.confidence, alignVersion: record.alignVersion },
        select: { id: true },
      });
      ids.set(sub.label, row.id);
    }
    await tx.pair.createMany({
      data: record.pairs.map((pair) => ({
        figureId: record.figureId,
        subfigureId: pair.subfigureId,
        subcaptionId: pair.label !== null ? (ids.get(pair.label) ?? null) : null,
        label: pair.label,
        text: pair.text,
        method: pairMethodOf(pair.method),
        confidence: pair.confidence,
        alignVersion: record.alignVersion,
      })),
    });
    await tx.figure.update({
      where: { id: record.figureId },
      data: { alignStatus: 'done', alignVersion: record.alignVersion, sharedCaption: record.sharedCaption },
    });
  });
}

/**
 * The failure-ledger subject of a figure row: its JATS id, and for the further graphics of a `<fig>` with several,
 * "<fig id>/<href>" as ingest names them.
 */
export function figureSubject(figure: { jatsId: string; graphicIndex: number; graphicHref: string | null }): string {
  return figure.graphicIndex === 0 ? figure.jatsId : `${figure.jatsId}/${figure.graphicHref ?? `g${figure.graphicIndex}`}`;
}

export async function setFigureStatus(db: Db, figureId: string, stage: 'detect' | 'align', status: 'failed' | 'skipped'): Promise<void> {
  await db.figure.update({ where: { id: figureId }, data: stage === 'detect' ? { detectStatus: status } : { alignStatus: status } });
}

/** Marks one subject's failures of a stage resolved (it succeeded since). */
export async function resolveFailure(db: Db, articleKey: string, stage: Stage, subject: string): Promise<void> {
  await db.failure.updateMany({ where: { articleKey, stage, subject, resolved: false }, data: { resolved: true, resolvedAt: new Date() } });
}
