/**
 * Throughput and memory of the weight-free detector on one core: `npx tsx test/bench/detect.ts [N] [--set S]`.
 * `--set mixed` (default) cycles through the real fixture figures plus synthetic 1000x800 compound figures
 * (JPEG-encoded, so decode is measured too); `--set sample` through the 23 figures of the bundled sample
 * articles (typical PMC figures, 0.77 MP on average) with their caption labels as hints, as the detect stage
 * runs them. N figures in all (default 1000), one at a time in one process (onnxruntime uses one thread).
 * Prints figures/s with the decode/layout/OCR breakdown and RSS at checkpoints (flat = no leak).
 * `--caption-labels` passes each figure's caption labels as hints, as the pipeline's detect stage does.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { splitCaption } from '../../packages/pipeline/src/captions/index.ts';
import { captionPanelLabels, decodeImage, generateSyntheticFigure, LayoutOcrDetector, loadPanelSources } from '../../packages/pipeline/src/detect/index.ts';
import { processImage } from '../../packages/pipeline/src/images/index.ts';
import { matchGraphicToMedia, parseJats } from '../../packages/pipeline/src/jats/index.ts';

const args = process.argv.slice(2);
const withCaptionLabels = args.includes('--caption-labels');
const set = args.includes('--set') ? args[args.indexOf('--set') + 1] : 'mixed';
const total = Number(args.find((a) => /^\d+$/.test(a)) ?? 1000);
const fixtures = path.join(import.meta.dirname, '../fixtures');
const real = path.join(fixtures, 'figures/exsclaim-ccby');

interface BenchInput { bytes: Buffer | Uint8Array; captionLabels: string[] }

/** The real fixture figures plus synthetic 1000x800 compound figures (labels in every corner: OCR-heavy). */
async function mixedInputs(): Promise<BenchInput[]> {
  const inputs: BenchInput[] = [];
  const captions = JSON.parse(await readFile(path.join(real, 'expected.json'), 'utf8')) as Record<string, { full_caption?: string }>;
  for (const f of (await readdir(real)).filter((f) => f.endsWith('.jpg')).sort()) {
    inputs.push({ bytes: await readFile(path.join(real, f)), captionLabels: splitCaption(captions[f]?.full_caption ?? '').labels });
  }
  inputs.push({ bytes: await readFile(path.join(fixtures, 'figures/23451160_pone.0057128.g006.jpg')), captionLabels: [] });
  const sources = await loadPanelSources(real);
  for (let seed = 1; seed <= 14; seed++) {
    const fig = await generateSyntheticFigure(seed, sources);
    const bytes = await sharp(Buffer.from(fig.image.data), { raw: { width: fig.image.width, height: fig.image.height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
    inputs.push({ bytes, captionLabels: fig.captionLabels });
  }
  return inputs;
}

/**
 * The 23 figures of the bundled sample articles as the detect stage sees them: the normalised image that
 * ingest stores, and the panel labels of the JATS caption.
 */
async function sampleInputs(): Promise<BenchInput[]> {
  const root = path.join(fixtures, 'articles');
  const inputs: BenchInput[] = [];
  for (const folder of (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    const files = await readdir(path.join(root, folder));
    const xml = files.find((f) => f.endsWith('.xml'));
    if (!xml) continue;
    const article = parseJats(await readFile(path.join(root, folder, xml)));
    for (const figure of article.figures) {
      for (const href of figure.graphics) {
        const media = matchGraphicToMedia(href, files);
        if (!media) continue;
        const processed = await processImage(await readFile(path.join(root, folder, media)), media);
        inputs.push({ bytes: processed.normalized.bytes, captionLabels: captionPanelLabels(figure.caption) });
      }
    }
  }
  return inputs;
}

const inputs = set === 'sample' ? await sampleInputs() : await mixedInputs();
if (set !== 'sample' && set !== 'mixed') throw new Error(`--set must be "mixed" or "sample", not "${set}"`);

// One core: libvips and onnxruntime each use a single thread.
sharp.concurrency(1);
const detector = await LayoutOcrDetector.create();
const mb = (b: number): string => (b / 1024 / 1024).toFixed(0);
// CPU time (user+system of this process) is what "per core" means, and unlike wall time it is not
// inflated when other processes share the machine. Steps are timed with both clocks.
const cpuMs = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
let decode = 0, layout = 0, ocr = 0, pixels = 0, panels = 0, decodeCpu = 0, detectCpu = 0;
const checkpoints: string[] = [];
const started = performance.now();
const startedCpu = cpuMs();
for (let i = 0; i < total; i++) {
  const c0 = cpuMs();
  const t0 = performance.now();
  const input = inputs[i % inputs.length]!;
  const d = await decodeImage(input.bytes);
  const t1 = performance.now();
  const c1 = cpuMs();
  const labels = input.captionLabels;
  const r = await detector.detect(d.image, withCaptionLabels && labels.length > 0 ? { captionLabels: labels } : undefined);
  detectCpu += cpuMs() - c1;
  decodeCpu += c1 - c0;
  decode += t1 - t0;
  layout += detector.lastTimings.layout;
  ocr += detector.lastTimings.ocr;
  pixels += d.width * d.height;
  panels += r.panels.length;
  if ((i + 1) % Math.max(1, Math.floor(total / 5)) === 0) checkpoints.push(`${i + 1}: rss ${mb(process.memoryUsage().rss)} MB`);
}
const wall = performance.now() - started;
const crops = detector.ocrCrops;
const cpu = cpuMs() - startedCpu;
await detector.close();
const per = (v: number): string => (v / total).toFixed(1);
console.log(`figures ${total} (set ${set}: cycling ${inputs.length} inputs${withCaptionLabels ? ', caption labels as hints' : ''}, mean ${(pixels / total / 1e6).toFixed(2)} MP, ${(panels / total).toFixed(1)} panels/figure)`);
console.log(`throughput ${(total / (cpu / 1000)).toFixed(1)} figures per CPU-second (${per(cpu)} CPU ms/figure: decode ${per(decodeCpu)}, detect ${per(detectCpu)})`);
console.log(`wall clock ${(total / (wall / 1000)).toFixed(1)} figures/s (${per(wall)} ms/figure; includes waiting when the machine is shared)`);
const detectWall = layout + ocr;
console.log(`breakdown wall ms/figure: decode ${per(decode)}, layout ${per(layout)}, OCR ${per(ocr)}; detect CPU split by wall share: layout ${per(detectCpu * layout / detectWall)}, OCR ${per(detectCpu * ocr / detectWall)}`);
console.log(`OCR crops: ${(crops / total).toFixed(1)} per figure`);
console.log(`memory: peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; ${checkpoints.join(', ')}`);
