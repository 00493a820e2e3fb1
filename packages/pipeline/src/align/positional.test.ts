import { describe, expect, it } from 'vitest';
import type { Box, Panel } from '../detect/types.ts';
import { splitCaption } from '../captions/index.ts';
import { alignPanels } from './align.ts';
import { assignByPosition, positionalTarget } from './positional.ts';

const LEFT: Box = [0, 0, 100, 100];
const RIGHT: Box = [120, 0, 220, 100];
const BOTTOM: Box = [0, 120, 220, 220];
const always = (): boolean => true;

describe('positionalTarget', () => {
  it.each([
    ['left', { x: 0 }],
    ['Top right', { x: 1, y: 0 }],
    ['lower', { y: 1 }],
    ['upper middle', { x: 0.5, y: 0 }],
    ['center', { y: 0.5 }],
  ])('%s', (label, target) => expect(positionalTarget(label)).toEqual(target));

  it.each(['inset', 'A', 'left panel 2', ''])('is undefined for %j', (label) => expect(positionalTarget(label)).toBeUndefined());
});

describe('assignByPosition', () => {
  it('pairs by where the panels are, not by caption order', () => {
    expect([...assignByPosition([LEFT, RIGHT], ['right', 'left'], always)]).toEqual(
      expect.arrayContaining([
        [0, 1],
        [1, 0],
      ]),
    );
  });

  it('handles rows and corners together, each label once', () => {
    const out = assignByPosition([LEFT, RIGHT, BOTTOM], ['bottom', 'top left', 'top right'], always);
    expect(Object.fromEntries(out)).toEqual({ 0: 1, 1: 2, 2: 0 });
  });

  it('assigns nothing when a label is not positional, and skips panels that are taken', () => {
    expect(assignByPosition([LEFT, RIGHT], ['left', 'B'], always).size).toBe(0);
    expect(Object.fromEntries(assignByPosition([LEFT, RIGHT], ['left', 'right'], (k) => k === 1))).toEqual({ 1: 1 });
  });
});

describe('alignPanels with positional labels', () => {
  it('pairs "Right: … Left: …" by position with method "position"', () => {
    const split = splitCaption('Histology of the lesion. Right: Ki-67 immunostaining. Left: H&E staining.');
    expect(split.labels).toEqual(['right', 'left']);
    const panels: Panel[] = [
      { box: LEFT, score: 0.9 },
      { box: RIGHT, score: 0.9 },
    ];
    const a = alignPanels(panels, split);
    expect(a.pairs.map((p) => [p.label, p.method])).toEqual([
      ['left', 'position'],
      ['right', 'position'],
    ]);
    expect(a.pairs[0]?.specific).toBe('H&E staining.');
    expect(a.mismatch).toBeNull();
  });
});
