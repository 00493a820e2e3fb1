import type { SplitCaption } from '../captions/index.ts';

/** One `<graphic>` of a `<fig>` that has several (panels delivered as separate files: gr3a, gr3b). */
export interface GraphicPosition {
  /** 0-based position among the fig's graphics. */
  index: number;
  /** How many graphics the fig has. */
  count: number;
  /** The href, whose last letter often names the panel ("…-g003b", "gr3b.jpg"). */
  href: string | null;
}

/** The panel letter an href ends with ("elife-1-fig3b.tif" → "b"; "gr3.jpg" → null). */
export function hrefPanelLetter(href: string | null): string | null {
  if (!href) return null;
  const stem = href.replace(/^.*\//, '').replace(/\.[A-Za-z0-9]{2,4}$/, '');
  const match = /\d([A-Za-z])$/.exec(stem);
  return match ? match[1]!.toLowerCase() : null;
}

/**
 * The part of a fig's split caption that one of its graphics shows. Every graphic row carries the fig's whole
 * caption; without this, each graphic would be paired against every label (gr3b's single panel with "A").
 * A graphic whose href ends in a letter the caption names gets that label; otherwise, when the caption names
 * exactly one label per graphic, the graphic gets the label at its position; otherwise the caption is left whole.
 */
export function subcaptionsForGraphic(split: SplitCaption, graphic: GraphicPosition): SplitCaption {
  if (graphic.count <= 1 || split.labels.length === 0) return split;
  const byLetter = hrefPanelLetter(graphic.href);
  const labels = [...new Set(split.subcaptions.map((sub) => sub.label))];
  const chosen = (byLetter && labels.find((label) => label.toLowerCase() === byLetter)) ?? (labels.length === graphic.count ? labels[graphic.index] : undefined);
  if (chosen === undefined) return split;
  return {
    ...split,
    labels: split.labels.filter((label) => label === chosen),
    subcaptions: split.subcaptions.filter((sub) => sub.label === chosen),
    flags: [...split.flags, 'graphic-of-several'],
  };
}
