import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { LayoutOcrDetector } from './layout-detector.ts';
import { detectFile, detectJsonLines, rescaleResult } from './run.ts';
import type { DetectionResult } from './types.ts';

const fixtures = new URL('../../../../test/fixtures/figures/', import.meta.url).pathname;
const fig3 = `${fixtures}exsclaim-ccby/s41467-018-06211-3_fig3.jpg`;
const caption3 = (JSON.parse(readFileSync(`${fixtures}exsclaim-ccby/expected.json`, 'utf8')) as Record<string, { full_caption: string }>)['s41467-018-06211-3_fig3.jpg']!.full_caption;

async function* lines(items: string[]): AsyncGenerator<string> {
  for (const i of items) yield i;
}

describe('detectFile / detectJsonLines', () => {
  let det: LayoutOcrDetector;
  beforeAll(async () => { det = await LayoutOcrDetector.create(); });
  afterAll(async () => { await det.close(); });

  it('detects a file with its caption; boxes in original pixels', async () => {
    const r = await detectFile(det, fig3, { caption: caption3 });
    expect([r.width, r.height]).toEqual([685, 507]);
    expect(r.panels.map((p) => p.label?.text)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('maps boxes of a downsampled decode back to the original size', async () => {
    const big = await sharp(fig3).resize({ width: 685 * 4 }).jpeg().toBuffer();
    const r = await detectFile(det, big, { caption: caption3, decode: { maxSide: 1000 } });
    expect([r.width, r.height]).toEqual([2740, 2028]);
    expect(r.panels).toHaveLength(4);
    for (const p of r.panels) expect(p.box[2] <= 2740 && p.box[3] <= 2028).toBe(true);
    expect(r.panels[3]!.box[2]).toBeGreaterThan(2500);
  });

  it('writes one line per input line, errors included, in order', async () => {
    const out: Array<Record<string, unknown>> = [];
    const input = [
      JSON.stringify({ id: 'ok', image: fig3, caption: caption3 }),
      '',
      JSON.stringify({ id: 'missing', image: `${fixtures}does-not-exist.jpg` }),
      'not json',
      JSON.stringify({ id: 'noimage' }),
      JSON.stringify({ id: 'ok2', image: fig3 }),
    ];
    for await (const o of detectJsonLines(det, lines(input), { batchSize: 2 })) out.push(o);
    expect(out.map((o) => o.id)).toEqual(['ok', 'missing', 'line-4', 'noimage', 'ok2']);
    expect(out[0]!.panels, JSON.stringify(out)).toHaveLength(4);
    expect(out[1]!.errorClass).toBe('MissingImage');
    expect(out[2]!.error).toMatch(/JSON/);
    expect(out[3]!.error).toMatch(/image/);
    expect(out[4]!.method).toBe('layout-ocr');
  });

  it('rescales results and keeps boxes valid', () => {
    const r: DetectionResult = { width: 10, height: 10, method: 'm', modelVersion: 'v', panels: [{ box: [0, 0, 10, 10], score: 1, label: { text: 'a', box: [9, 9, 10, 10] } }] };
    const s = rescaleResult(r, 33, 17);
    expect(s.panels[0]!.box).toEqual([0, 0, 33, 17]);
    expect(s.panels[0]!.label!.box).toEqual([29, 15, 33, 17]);
  });
});
