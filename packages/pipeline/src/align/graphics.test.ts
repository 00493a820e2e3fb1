import { describe, expect, it } from 'vitest';
import { splitCaption } from '../captions/index.ts';
import { alignPanels } from './align.ts';
import { hrefPanelLetter, subcaptionsForGraphic } from './graphics.ts';

const caption = 'Growth of the colonies. (A) Colonies on day 1. (B) Colonies on day 5.';

describe('subcaptionsForGraphic (a fig delivered as several graphics)', () => {
  it('reads the panel letter an href ends with', () => {
    expect(hrefPanelLetter('journal.pone.0001-g003b.tif')).toBe('b');
    expect(hrefPanelLetter('gr3A.jpg')).toBe('a');
    expect(hrefPanelLetter('gr3.jpg')).toBeNull();
    expect(hrefPanelLetter('figure-2-figsupp1.png')).toBeNull();
    expect(hrefPanelLetter(null)).toBeNull();
  });

  it('gives each graphic the label its href names, so a single-panel graphic is not paired with "A"', () => {
    const split = splitCaption(caption);
    const second = subcaptionsForGraphic(split, { index: 1, count: 2, href: 'fig3b.jpg' });
    expect(second.subcaptions.map((sub) => sub.label)).toEqual(['B']);
    const aligned = alignPanels([{ box: [0, 0, 100, 100], score: 1 }], second);
    expect(aligned.pairs[0]).toMatchObject({ label: 'B' });
    expect(aligned.pairs[0]!.subcaption).toContain('day 5');
    expect(aligned.pairs[0]!.subcaption).toContain('Growth of the colonies');
  });

  it('falls back to position when hrefs carry no letter and the caption names one label per graphic', () => {
    const split = splitCaption(caption);
    expect(subcaptionsForGraphic(split, { index: 0, count: 2, href: 'gr3-1.jpg' }).subcaptions.map((s) => s.label)).toEqual(['A']);
    expect(subcaptionsForGraphic(split, { index: 1, count: 2, href: 'gr3-2.jpg' }).subcaptions.map((s) => s.label)).toEqual(['B']);
  });

  it('leaves the caption whole when it cannot tell (a single graphic, or labels that do not divide among graphics)', () => {
    const split = splitCaption(caption);
    expect(subcaptionsForGraphic(split, { index: 0, count: 1, href: 'gr3.jpg' })).toBe(split);
    expect(subcaptionsForGraphic(split, { index: 0, count: 3, href: 'gr3-1.jpg' })).toBe(split);
  });
});
