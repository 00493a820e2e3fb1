/**
 * Throughput and memory of the weight-free detector on one core: `npx tsx test/bench/detect.ts [N] [--set S]`.
 * `--set mixed` (default) cycles through the real fixture figures plus synthetic 1000x800 compound figures
 * (JPEG-encoded, so decode is measured too); `--set sample` through the 23 figures of the bundled sample
 * articles (typical PMC figures, 0.77 MP on average) with their caption labels as hints, as the detect stage
 * runs them. N figures in all (default 1000), one at a time in one process (onnxruntime uses one thread), with
 * the V8 flags of the worker's detect processes (HEAP_FLAGS).
 * Prints figures/s with the decode/layout/OCR breakdown and RSS at checkpoints (flat = no leak).
 * `--caption-labels` passes each figure's caption labels as hints, as the pipeline's detect stage does;
 * `--batch N` detects N figures at a time with detectBatch, as the worker's detect threads do.
 * `--detector NAME` benchmarks another detector of createDetector (default layout-ocr; `combined` is the pipeline's
 * default): the layout/OCR split and OCR counts are then those of its layout+OCR part (CombinedDetector.layout).
 */
import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { splitCaption } from '../../packages/pipeline/src/captions/index.ts';
import { CombinedDetector, captionPanelLabels, createDetector, decodeImage, generateSyntheticFigure, LayoutOcrDetector, listArticleFigures, loadPanelSources } from '../../packages/pipeline/src/detect/index.ts';
import { processImage } from '../../packages/pipeline/src/images/index.ts';
import { HEAP_FLAGS } from '../../apps/worker/src/workers/heap-flags.ts';

// The worker's detect processes run with HEAP_FLAGS; so does the benchmark (it starts itself again with them).
if (!HEAP_FLAGS.every((flag) => process.execArgv.includes(flag))) {
  const { status } = spawnSync(process.execPath, [...process.execArgv, ...HEAP_FLAGS, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(status ?? 1);
}

const args = process.argv.slice(2);
const withCaptionLabels = args.includes('--caption-labels');
const set = args.includes('--set') ? args[args.indexOf('--set') + 1] : 'mixed';
const detectorName = args.includes('--detector') ? args[args.indexOf('--detector') + 1]! : 'layout-ocr';
const batchSize = args.includes('--batch') ? Math.max(1, Number(args[args.indexOf('--batch') + 1])) : 1;
const total = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--batch' && args[i - 1] !== '--detector') ?? 1000);
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
  const inputs: BenchInput[] = [];
  for (const figure of await listArticleFigures(path.join(fixtures, 'articles'))) {
    const processed = await processImage(await readFile(figure.file), figure.name);
    inputs.push({ bytes: processed.normalized.bytes, captionLabels: captionPanelLabels(figure.caption) });
  }
  return inputs;
}

if (set !== 'sample' && set !== 'mixed') throw new Error(`--set must be "mixed" or "sample", not "${set}"`);
const inputs = set === 'sample' ? await sampleInputs() : await mixedInputs();

// One core: libvips and onnxruntime each use a single thread.
sharp.concurrency(1);
const detector = detectorName === 'layout-ocr' ? await LayoutOcrDetector.create() : await createDetector({ name: detectorName });
// The layout+OCR part whose timings and OCR counts are reported (none for the model alone).
const layoutPart = detector instanceof LayoutOcrDetector ? detector : detector instanceof CombinedDetector ? detector.layout : undefined;
const mb = (b: number): string => (b / 1024 / 1024).toFixed(0);
// CPU time (user+system of this process) is what "per core" means, and unlike wall time it is not
// inflated when other processes share the machine. Steps are timed with both clocks.
const cpuMs = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
let decode = 0, layout = 0, ocr = 0, pixels = 0, panels = 0, decodeCpu = 0, detectCpu = 0;
const checkpoints: string[] = [];
const started = performance.now();
const startedCpu = cpuMs();
// --batch N: N figures at a time through detectBatch (their OCR rounds share recognizer calls, as in the
// worker's detect threads); the layout/OCR split is then not measured.
for (let i = 0; i < total; i += batchSize) {
  const c0 = cpuMs();
  const t0 = performance.now();
  const batch = Array.from({ length: Math.min(batchSize, total - i) }, (_, k) => inputs[(i + k) % inputs.length]!);
  const decoded = [];
  for (const input of batch) decoded.push(await decodeImage(input.bytes));
  const t1 = performance.now();
  const c1 = cpuMs();
  const items = decoded.map((d, k) => {
    const labels = batch[k]!.captionLabels;
    return { image: d.image, hints: withCaptionLabels && labels.length > 0 ? { captionLabels: labels } : undefined };
  });
  const results = batchSize === 1 ? [await detector.detect(items[0]!.image, items[0]!.hints)] : detector.detectBatch ? await detector.detectBatch(items) : await Promise.all(items.map((it) => detector.detect(it.image, it.hints)));
  detectCpu += cpuMs() - c1;
  decodeCpu += c1 - c0;
  decode += t1 - t0;
  layout += layoutPart?.lastTimings.layout ?? 0;
  ocr += layoutPart?.lastTimings.ocr ?? 0;
  for (const d of decoded) pixels += d.width * d.height;
  for (const r of results) panels += r.panels.length;
  const done = i + batch.length;
  const every = Math.max(batchSize, Math.floor(total / 5));
  if (Math.floor(done / every) > Math.floor(i / every)) checkpoints.push(`${done}: rss ${mb(process.memoryUsage().rss)} MB`);
}
const wall = performance.now() - started;
const crops = layoutPart?.ocrCrops ?? 0;
const cpu = cpuMs() - startedCpu;
await detector.close?.();
const per = (v: number): string => (v / total).toFixed(1);
console.log(`figures ${total} (detector ${detectorName}${detector instanceof CombinedDetector ? `, ${detector.fallbacks} answered by the layout-ocr fallback` : ''}; set ${set}: cycling ${inputs.length} inputs${withCaptionLabels ? ', caption labels as hints' : ''}, mean ${(pixels / total / 1e6).toFixed(2)} MP, ${(panels / total).toFixed(1)} panels/figure)`);
console.log(`throughput ${(total / (cpu / 1000)).toFixed(1)} figures per CPU-second (${per(cpu)} CPU ms/figure: decode ${per(decodeCpu)}, detect ${per(detectCpu)})`);
console.log(`wall clock ${(total / (wall / 1000)).toFixed(1)} figures/s (${per(wall)} ms/figure; includes waiting when the machine is shared)`);
const detectWall = layout + ocr;
if (batchSize === 1 && layoutPart === detector) console.log(`breakdown wall ms/figure: decode ${per(decode)}, layout ${per(layout)}, OCR ${per(ocr)}; detect CPU split by wall share: layout ${per(detectCpu * layout / detectWall)}, OCR ${per(detectCpu * ocr / detectWall)}`);
else if (layoutPart && layoutPart !== detector) console.log(`breakdown wall ms/figure: decode ${per(decode)}, detect ${per(detectCpu)} CPU (model and layout+OCR; the last layout+OCR call per figure: layout ${per(layout)}, OCR ${per(ocr)} wall)`);
else console.log(`breakdown wall ms/figure: decode ${per(decode)}; batches of ${batchSize} through detectBatch (no layout/OCR split)`);
console.log(`OCR crops: ${(crops / total).toFixed(1)} per figure in ${((layoutPart?.ocrCalls ?? 0) / total).toFixed(1)} recognizer calls`);
console.log(`memory: peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; ${checkpoints.join(', ')}`);
