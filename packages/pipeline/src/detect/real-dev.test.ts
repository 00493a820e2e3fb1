import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parseExsclaimGroundTruth } from './ground-truth.ts';

// Validates the hand-annotated detection dev set (test/fixtures/figures/real-dev): shape and consistency only, no scores.
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/figures/real-dev');
const raw = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Record<string, Record<string, unknown>>;

interface Point { x: number; y: number }
const box = (g: unknown): [number, number, number, number] => {
  const p = g as Point[];
  expect(Array.isArray(p) && p.length === 4).toBe(true);
  // EXSCLAIM order: (x1,y1), (x1,y2), (x2,y1), (x2,y2)
  expect(p[0]!.x).toBe(p[1]!.x);
  expect(p[2]!.x).toBe(p[3]!.x);
  expect(p[0]!.y).toBe(p[2]!.y);
  expect(p[1]!.y).toBe(p[3]!.y);
  return [p[0]!.x, p[0]!.y, p[3]!.x, p[3]!.y];
};

describe('real-dev fixture', () => {
  it('parses with the ground-truth reader, one figure per entry, every panel kept', () => {
    const truth = parseExsclaimGroundTruth(raw);
    expect(truth.length).toBe(Object.keys(raw).length);
    expect(truth.length).toBeGreaterThanOrEqual(60);
    for (const fig of truth) {
      const entry = raw[fig.id]!;
      expect(fig.panels.length).toBe((entry.master_images as unknown[]).length);
      expect(fig.panels.length).toBeGreaterThan(0);
      expect(fig.caption.length).toBeGreaterThan(0);
    }
  });

  it('has a split, a source and a panel-count range that contains the number of boxes', () => {
    const splits = new Set<string>();
    for (const [key, e] of Object.entries(raw)) {
      expect(e.figure_name).toBe(key);
      expect(['dev', 'validation']).toContain(e.split);
      expect(['eLife', 'PLOS']).toContain(e.source);
      splits.add(e.split as string);
      const [lo, hi] = e.panel_count_range as [number, number];
      const n = (e.master_images as unknown[]).length;
      expect(lo).toBeLessThanOrEqual(n);
      expect(hi).toBeGreaterThanOrEqual(n);
      expect(lo).toBeGreaterThanOrEqual(1);
      expect(String(e.license)).toMatch(/^https?:\/\/creativecommons\.org\//);
    }
    expect([...splits].sort()).toEqual(['dev', 'validation']);
    // A whole article is in one split.
    const byArticle = new Map<string, Set<string>>();
    for (const e of Object.values(raw)) byArticle.set(e.article_name as string, (byArticle.get(e.article_name as string) ?? new Set()).add(e.split as string));
    for (const s of byArticle.values()) expect(s.size).toBe(1);
  });

  it('every image exists, and boxes and label boxes are non-empty and inside it; labels are unique per figure', async () => {
    for (const [key, e] of Object.entries(raw)) {
      const file = path.join(dir, key);
      expect(existsSync(file), key).toBe(true);
      const meta = await sharp(file).metadata();
      expect([meta.width, meta.height]).toEqual(e.image_size);
      const labels: string[] = [];
      for (const m of e.master_images as Array<Record<string, unknown>>) {
        const [x1, y1, x2, y2] = box(m.geometry);
        expect(x1 >= 0 && y1 >= 0 && x2 <= meta.width && y2 <= meta.height, `${key} panel inside`).toBe(true);
        expect(x2 > x1 && y2 > y1).toBe(true);
        expect(m.width).toBe(x2 - x1);
        expect(m.height).toBe(y2 - y1);
        const l = m.subfigure_label as { text: string; geometry: unknown } | null;
        if (l === null) continue;
        expect(l.text.length).toBeGreaterThan(0);
        labels.push(l.text);
        const [a, b, c, d] = box(l.geometry);
        expect(c > a && d > b, `${key} ${l.text} label box non-empty`).toBe(true);
        // The label box lies inside the image and overlaps or touches its panel (labels outside a panel sit next to it).
        expect(a >= 0 && b >= 0 && c <= meta.width && d <= meta.height).toBe(true);
        expect(a <= x2 + 40 && c >= x1 - 40 && b <= y2 + 40 && d >= y1 - 40, `${key} ${l.text} label near panel`).toBe(true);
      }
      expect(new Set(labels).size, `${key} unique labels`).toBe(labels.length);
      // Either every panel is labelled or none is (the figure prints labels or does not).
      const n = (e.master_images as unknown[]).length;
      expect(labels.length === 0 || labels.length === n, `${key} labelled all or none`).toBe(true);
    }
  });
});
