/** Subfigure–subcaption alignment: pairs detected panels with the caption splitter's subcaptions. */
export const ALIGNER_VERSION = 'align-1.2.0';

export { alignPanels } from './align.ts';
export { hrefPanelLetter, subcaptionsForGraphic } from './graphics.ts';
export type { GraphicPosition } from './graphics.ts';
export type { AlignedPair, AlignMethod, Alignment, CountMismatch } from './align.ts';
export { evaluateAlignment, groundTruthPanels } from './evaluate.ts';
export type { AlignEvalReport, AlignFigureResult, PanelSource } from './evaluate.ts';
export { parseReviewedSubcaptions, withReviewedSubcaptions } from './reviewed-references.ts';
export type { ReviewedFigures, ReviewedSubcaptions } from './reviewed-references.ts';
