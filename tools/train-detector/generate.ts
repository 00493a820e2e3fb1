/**
 * Writes N synthetic compound figures for training the panel detector:
 *   npx tsx tools/train-detector/generate.ts --out .tmp/synth --count 4000 [--seed 1] [--max-side 512] [--grouped 0.2]
 * (--grouped: the chance that a labelled panel holds several plots under its one label; 0, the default, gives the
 * figures the committed model was trained on)
 * Sources (real single-panel crops, licences in test/fixtures/figures/LICENSE.md and real-dev/README.md): the
 * annotated panels of the real-dev DEV split only (never validation), exsclaim-ccby, and reviewed-pmc without
 * its one validation-article figure (elife-15600). Output: <out>/images/<seed>.jpg and <out>/labels.jsonl
 * (one line per figure: file, width, height, boxes [[x1,y1,x2,y2]...], labels, description).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { loadPanelSources } from '../../packages/pipeline/src/detect/evaluate.ts';
import { generateCompoundFigure } from '../../packages/pipeline/src/detect/synthetic-compound.ts';

const { values } = parseArgs({ options: { out: { type: 'string', default: '.tmp/synth' }, count: { type: 'string', default: '2000' }, seed: { type: 'string', default: '1' }, 'max-side': { type: 'string', default: '512' }, grouped: { type: 'string', default: '0' } } });
const out = values.out;
const count = Number(values.count);
const seed = Number(values.seed);
const fixtures = 'test/fixtures/figures';
const sources = [
  ...await loadPanelSources(path.join(fixtures, 'real-dev'), { split: 'dev' }),
  ...await loadPanelSources(path.join(fixtures, 'exsclaim-ccby')),
  ...await loadPanelSources(path.join(fixtures, 'reviewed-pmc'), { skip: (f) => f.startsWith('elife-15600') }),
];
process.stderr.write(`${sources.length} panel crops\n`);
await mkdir(path.join(out, 'images'), { recursive: true });
const lines: string[] = [];
const t0 = Date.now();
for (let i = 0; i < count; i++) {
  const s = seed + i;
  const fig = await generateCompoundFigure(s, sources, { maxSide: Number(values['max-side']), groupedPlots: Number(values.grouped) });
  const file = `images/${s}.jpg`;
  const quality = 60 + (s % 35);
  await sharp(Buffer.from(fig.image.data.buffer, fig.image.data.byteOffset, fig.image.data.byteLength), { raw: { width: fig.image.width, height: fig.image.height, channels: 3 } })
    .jpeg({ quality }).toFile(path.join(out, file));
  lines.push(JSON.stringify({ file, width: fig.image.width, height: fig.image.height, boxes: fig.panels.map((p) => p.box), labels: fig.panels.map((p) => p.label ?? null), description: fig.description }));
  if ((i + 1) % 500 === 0) process.stderr.write(`${i + 1}/${count} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
}
await writeFile(path.join(out, 'labels.jsonl'), `${lines.join('\n')}\n`);
process.stderr.write(`wrote ${count} figures to ${out} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
