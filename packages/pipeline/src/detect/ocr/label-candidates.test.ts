import { describe, expect, it } from 'vitest';
import { toAnalysisImage } from '../layout/analysis.ts';
import { candidateCrop, countDottedIs, findLabelCandidates, findLineStartCandidates, onSolidBox } from './label-candidates.ts';

type R = [number, number, number, number];

/** A grey figure: white paper, then each [rect, grey] painted in order. */
function figure(width: number, height: number, paint: Array<[R, number]>): ReturnType<typeof toAnalysisImage> {
  const data = new Uint8Array(width * height).fill(255);
  for (const [[x1, y1, x2, y2], g] of paint) for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) data[y * width + x] = g;
  return toAnalysisImage({ data, width, height, channels: 1 });
}

/** A white "E" (three bars and a stem) at (x, y), 10 x 14 pixels. */
function letterE(x: number, y: number): Array<[R, number]> {
  return [[[x, y, x + 3, y + 14], 255], [[x, y, x + 10, y + 3], 255], [[x, y + 6, x + 8, y + 9], 255], [[x, y + 11, x + 10, y + 14], 255]];
}

describe('label candidates', () => {
  it('finds a white letter on a black label box that touches a photo', () => {
    // Photo (grey with darker stripes) from (20, 20); the black box overlaps its top-left corner.
    const paint: Array<[R, number]> = [[[20, 20, 380, 280], 120]];
    for (let x = 24; x < 380; x += 6) paint.push([[x, 20, x + 2, 280], 70]);
    paint.push([[22, 22, 46, 50], 0], ...letterE(29, 29));
    const img = figure(400, 300, paint);
    const found = findLabelCandidates(img, [20, 20, 380, 280], 'top-left');
    const hit = found.find((c) => c.rect[0] >= 28 && c.rect[0] <= 30 && c.rect[2] >= 38 && c.rect[2] <= 40 && c.rect[1] >= 28 && c.rect[3] <= 44);
    expect(hit, JSON.stringify(found)).toBeDefined();
    expect(hit!.light).toBe(true);
  });
  it('keeps the dots of small i\'s with their stems (the dot is found first: it starts at the stem\'s left edge)', () => {
    // "iii" as a 15 px roman numeral: 3x3 dots, a 2 px gap, 3x15 stems, in a panel's top-left corner.
    const paint: Array<[R, number]> = [];
    for (const x of [24, 31, 39]) paint.push([[x, 20, x + 3, 23], 0], [[x, 25, x + 3, 40], 0]);
    const img = figure(300, 200, [[[10, 10, 290, 190], 0], [[12, 12, 288, 188], 255], ...paint]);
    const [best] = findLabelCandidates(img, [12, 12, 288, 188], 'top-left');
    expect(best?.rect).toEqual([24, 20, 42, 40]);
    expect(countDottedIs(candidateCrop(img, best!))).toBe(3);
  });
  it('a solid box is one uniform grey all round the word; a light patch in a photo is not on one', () => {
    const boxed = figure(100, 100, [[[20, 20, 50, 50], 0], ...letterE(29, 29)]);
    expect(onSolidBox(boxed, [29, 29, 39, 43])).toBe(true);
    const paint: Array<[R, number]> = [[[10, 10, 90, 90], 120]];
    for (let x = 12; x < 90; x += 5) paint.push([[x, 10, x + 2, 90], 40]);
    paint.push([[30, 30, 40, 44], 255]);
    expect(onSolidBox(figure(100, 100, paint), [30, 30, 40, 44])).toBe(false);
  });

  describe('line starts', () => {
    /** Dark glyph boxes on one text line: brackets reach 3 px above and below the 14 px letters. */
    const bracket = (x: number, y: number): Array<[R, number]> => [[[x, y - 3, x + 3, y + 17], 0]];
    const letter = (x: number, y: number): Array<[R, number]> => [[[x, y, x + 9, y + 2], 0], [[x, y, x + 2, y + 14], 0], [[x + 7, y, x + 9, y + 14], 0], [[x, y + 12, x + 9, y + 14], 0]];
    const word = (x: number, y: number, n: number): Array<[R, number]> => Array.from({ length: n }, (_, k) => letter(x + 12 * k, y)).flat();
    const panel: R = [10, 40, 390, 280];
    const frame: Array<[R, number]> = [[[10, 60, 390, 62], 0], [[10, 60, 12, 280], 0], [[388, 60, 390, 280], 0], [[10, 278, 390, 280], 0]];

    it('finds "(a) Title" centred above a plot and ends the candidate at the closing bracket', () => {
      const img = figure(400, 300, [...frame, ...bracket(150, 42), ...letter(155, 42), ...bracket(166, 42), ...word(178, 42, 5)]);
      const [best] = findLineStartCandidates(img, panel, 'top');
      expect(best?.rect).toEqual([150, 39, 169, 59]);
    });
    it('finds "a) Title" under a diagram, the letter first', () => {
      const img = figure(400, 300, [...frame, ...letter(150, 250), ...bracket(161, 250), ...word(175, 250, 4)]);
      const [best] = findLineStartCandidates(img, panel, 'bottom');
      expect(best?.rect).toEqual([150, 247, 164, 267]);
    });
    it('finds "A: Title" opening a plot title and ends the candidate at the colon', () => {
      const colon: Array<[R, number]> = [[[162, 46, 165, 49], 0], [[162, 53, 165, 56], 0]];
      const img = figure(400, 300, [...frame, ...letter(150, 42), ...colon, ...word(175, 42, 4)]);
      const [best] = findLineStartCandidates(img, panel, 'top');
      expect(best?.rect).toEqual([150, 42, 165, 56]);
    });
    it('ignores lines that do not open with a bracket (a title word, a tick value)', () => {
      const tick: Array<[R, number]> = [[[40, 45, 42, 59], 0], [[45, 57, 47, 59], 0], ...letter(50, 45)];
      const img = figure(400, 300, [...frame, ...word(150, 42, 6), ...tick]);
      expect(findLineStartCandidates(img, panel, 'top')).toEqual([]);
    });
  });
});
