import { alignPanels, subcaptionsForGraphic } from '@pmc-curator/pipeline/align';
import { splitCaption } from '@pmc-curator/pipeline/captions';
import type { Box, Panel } from '@pmc-curator/pipeline/detect';
import { type Db, figureSubject, persistAlignment, resolveFailure, setFigureStatus } from '@pmc-curator/store/db';
import { type FigureJobData, STAGE_VERSIONS } from '@pmc-curator/store/queues';

export type AlignOutcome = { status: 'aligned' | 'unchanged'; pairs: number } | { status: 'skipped'; pairs: 0; reason: string };

const asBox = (value: unknown): Box | null =>
  Array.isArray(value) && value.length === 4 && value.every((v) => typeof v === 'number') ? (value as Box) : null;

/**
 * Splits the figure's caption into subcaptions and pairs them with its subfigures, replacing earlier results
 * in one transaction. A figure whose detection failed or was skipped is marked skipped here.
 */
export async function runAlignStage(db: Db, data: FigureJobData): Promise<AlignOutcome> {
  const figure = await db.figure.findUnique({
    where: { id: data.figureId },
    select: {
      articleId: true,
      jatsId: true,
      graphicIndex: true,
      graphicHref: true,
      caption: true,
      boldSpans: true,
      detectStatus: true,
      alignStatus: true,
      alignVersion: true,
      subfigures: { orderBy: { index: 'asc' } },
      _count: { select: { pairs: true } },
    },
  });
  if (!figure) return { status: 'skipped', pairs: 0, reason: 'figure no longer exists' };
  if (figure.detectStatus !== 'done') {
    await setFigureStatus(db, data.figureId, 'align', 'skipped');
    return { status: 'skipped', pairs: 0, reason: `detect is ${figure.detectStatus}` };
  }
  if (figure.alignStatus === 'done' && figure.alignVersion === STAGE_VERSIONS.align) return { status: 'unchanged', pairs: figure._count.pairs };
  // A fig delivered as several graphics: each row is paired against the labels its graphic shows.
  const graphics = await db.figure.count({ where: { articleId: figure.articleId, jatsId: figure.jatsId } });
  const split = subcaptionsForGraphic(splitCaption(figure.caption, { boldLabels: figure.boldSpans }), {
    index: figure.graphicIndex,
    count: graphics,
    href: figure.graphicHref,
  });
  const panels: Panel[] = figure.subfigures.map((sub) => {
    const labelBox = asBox(sub.labelBox);
    return {
      box: [sub.x1, sub.y1, sub.x2, sub.y2],
      score: sub.score,
      ...(sub.labelText && labelBox ? { label: { text: sub.labelText, box: labelBox } } : {}),
    };
  });
  const alignment = alignPanels(panels, split);
  const seen = new Set<string>();
  const subcaptions = split.subcaptions
    .filter((sub) => (seen.has(sub.label) ? false : (seen.add(sub.label), true)))
    .map((sub, index) => ({ index, label: sub.label, text: sub.text, confidence: sub.confidence }));
  const pairs = alignment.pairs.flatMap((pair) => {
    const subfigure = figure.subfigures[pair.panel];
    return subfigure
      ? [{ subfigureId: subfigure.id, label: pair.label, text: pair.subcaption, method: pair.method, confidence: pair.confidence }]
      : [];
  });
  await persistAlignment(db, { figureId: data.figureId, alignVersion: STAGE_VERSIONS.align, sharedCaption: split.shared || null, subcaptions, pairs });
  await resolveFailure(db, data.articleKey, 'align', figureSubject(figure));
  return { status: 'aligned', pairs: pairs.length };
}
