/**
 * Splitter throughput: `npx tsx test/bench/captions.ts` prints captions/s on one core for each development set
 * (the prostate captions and the broad Zou PanelSeg captions, repeated).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { splitCaption } from '../../packages/pipeline/src/captions/index.ts';

const here = dirname(fileURLToPath(import.meta.url));

function bench(file: string): Record<string, number | string> {
  const data = JSON.parse(readFileSync(join(here, '../fixtures/captions', file), 'utf8')) as Record<string, { caption: string }>;
  const captions = Object.values(data).map((f) => f.caption);
  for (let i = 0; i < 3; i++) for (const c of captions) splitCaption(c); // warm-up
  const rounds = 30;
  let labels = 0;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const c of captions) labels += splitCaption(c).labels.length;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const n = rounds * captions.length;
  const chars = captions.reduce((a, c) => a + c.length, 0) * rounds;
  return { set: file, captions: n, seconds: Math.round(seconds * 1000) / 1000, captionsPerSecond: Math.round(n / seconds), charsPerSecond: Math.round(chars / seconds), labels };
}

for (const file of ['prostate-subcaptions.json', 'zou-panelseg-dev.json']) process.stdout.write(`${JSON.stringify(bench(file))}\n`);
