/**
 * The panel labels a caption names, as detection hints: the caption splitter's labels (the one caption-label
 * parser of the pipeline), reduced to what a detector reads on panels — single letters, a sub-label "B1" standing
 * for its letter "B" — and kept only when there are at least two of them. Positional words ("left", "top"),
 * roman numerals and numbers give no hints.
 */
import { splitCaption } from './split.ts';

export function captionPanelLabels(caption: string): string[] {
  const letters: string[] = [];
  for (const label of splitCaption(caption).labels) {
    const letter = /^([A-Za-z])\d*$/.exec(label)?.[1];
    if (letter && !letters.includes(letter)) letters.push(letter);
  }
  return letters.length >= 2 ? letters : [];
}
