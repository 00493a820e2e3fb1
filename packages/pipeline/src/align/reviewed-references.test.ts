import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseExsclaimGroundTruth } from '../detect/ground-truth.ts';
import { parseReviewedSubcaptions, withReviewedSubcaptions } from './reviewed-references.ts';

const dir = fileURLToPath(new URL('../../../../test/fixtures/figures/exsclaim-ccby/', import.meta.url));
const readJson = (name: string): unknown => JSON.parse(readFileSync(`${dir}${name}`, 'utf8'));

describe('reviewed subcaption references', () => {
  it('replace the EXSCLAIM subcaptions of every labelled panel of the fixture figures and keep the boxes', () => {
    const figures = parseExsclaimGroundTruth(readJson('expected.json'));
    const reviewed = parseReviewedSubcaptions(readJson('reviewed-subcaptions.json'));
    const { figures: out, skippedPanels } = withReviewedSubcaptions(figures, reviewed);
    expect(skippedPanels).toBe(0);
    expect(out.map((f) => f.panels.length)).toEqual(figures.map((f) => f.panels.length));
    const fig5 = out.find((f) => f.id === 's41467-018-06211-3_fig5.jpg');
    const c = fig5?.panels.find((s) => s.label === 'c');
    expect(c?.caption).toMatch(/^Comparison of the gravimetric energy density \(c\) among gasoline/);
    expect(c?.box).toEqual(figures.find((f) => f.id === fig5?.id)?.panels.find((s) => s.label === 'c')?.box);
  });

  it('leave out panels without a reviewed text and count them', () => {
    const figures = parseExsclaimGroundTruth(readJson('expected.json')).slice(0, 2);
    const { figures: out, skippedPanels } = withReviewedSubcaptions(figures, {
      guideline: 'test',
      figures: { [figures[0]?.id ?? '']: { a: 'only a' } },
    });
    expect(out).toHaveLength(1);
    expect(out[0]?.panels.map((s) => s.caption)).toEqual(['only a']);
    expect(skippedPanels).toBe((figures[0]?.panels.length ?? 0) - 1 + (figures[1]?.panels.length ?? 0));
  });

  it('reject a file of another shape with a message naming the expected one', () => {
    expect(() => parseReviewedSubcaptions({ figures: [] })).toThrow(/expected \{guideline, figures/);
  });
});

describe('the independent reviewed set (test/fixtures/figures/reviewed-pmc)', () => {
  it('has 10 figures and 49 labelled panels, each subcaption made of verbatim spans of its caption', () => {
    const path = fileURLToPath(new URL('../../../../test/fixtures/figures/reviewed-pmc/expected.json', import.meta.url));
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, { full_caption: string; master_images: Array<{ caption: string; caption_spans: string[] }> }>;
    const figures = parseExsclaimGroundTruth(raw);
    expect(figures).toHaveLength(10);
    expect(figures.reduce((a, f) => a + f.panels.length, 0)).toBe(49);
    for (const f of figures) for (const s of f.panels) expect(s.label).toMatch(/^[A-Za-z]$/);
    for (const fig of Object.values(raw)) {
      for (const panel of fig.master_images) {
        expect(panel.caption_spans.length).toBeGreaterThan(0);
        for (const span of panel.caption_spans) expect(fig.full_caption).toContain(span);
        expect(panel.caption).toBe(panel.caption_spans.join(' '));
      }
    }
  });
});
