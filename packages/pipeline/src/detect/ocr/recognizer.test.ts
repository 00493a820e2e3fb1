import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextRecognizer } from './recognizer.ts';
import type { GreyCrop } from './recognizer.ts';

async function render(text: string, font: string, invert = false): Promise<GreyCrop> {
  const fg = invert ? 'white' : 'black';
  const bg = invert ? 'black' : 'white';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${20 + 18 * text.length}" height="40"><rect width="100%" height="100%" fill="${bg}"/><text x="8" y="30" font-family="${font}" font-size="28" font-weight="bold" fill="${fg}">${text}</text></svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).greyscale().raw().toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(data);
  if (invert) for (let i = 0; i < out.length; i++) out[i] = 255 - out[i]!;
  return { data: out, width: info.width, height: info.height };
}

describe('PP-OCR recognizer (bundled model)', () => {
  let rec: TextRecognizer;
  beforeAll(async () => { rec = await TextRecognizer.create(); });
  afterAll(async () => { await rec.close(); });

  it('reads rendered panel labels in one batch, whatever their widths', async () => {
    const crops = await Promise.all([render('a', 'DejaVu Sans'), render('B', 'DejaVu Serif'), render('(c)', 'DejaVu Sans'), render('D', 'DejaVu Sans Mono'), render('Legend', 'DejaVu Sans')]);
    const out = await rec.recognize(crops);
    expect(out.map((o) => o.text)).toEqual(['a', 'B', '(c)', 'D', 'Legend']);
    for (const o of out) expect(o.confidence).toBeGreaterThan(0.5);
  });

  it('returns an empty reading for a blank crop and nothing for no crops', async () => {
    expect(await rec.recognize([])).toEqual([]);
    const [blank] = await rec.recognize([{ data: new Uint8Array(40 * 40).fill(255), width: 40, height: 40 }]);
    expect(blank!.text).toBe('');
  });

  it('reads the same with the simplified graph as with the model as shipped', async () => {
    const shipped = await TextRecognizer.create({ simplifyGraph: false });
    try {
      const crops = await Promise.all([render('A', 'DejaVu Sans'), render('(b)', 'DejaVu Serif'), render('d', 'DejaVu Sans Mono'), render('E', 'DejaVu Sans', true)]);
      const [fast, reference] = [await rec.recognize(crops), await shipped.recognize(crops)];
      expect(fast.map((r) => r.text)).toEqual(reference.map((r) => r.text));
      expect(fast.map((r) => r.text)).toEqual(['A', '(b)', 'd', 'E']);
      fast.forEach((r, i) => expect(r.confidence).toBeCloseTo(reference[i]!.confidence, 4));
    } finally {
      await shipped.close();
    }
  });

  it('reports a model file that is not ONNX as onnxruntime does, not as a protobuf parse error', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rec-'));
    try {
      const modelPath = path.join(dir, 'broken.onnx');
      await writeFile(modelPath, 'this is not a model');
      await expect(TextRecognizer.create({ modelPath })).rejects.toThrow(/Failed to load model/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
