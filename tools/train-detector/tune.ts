/**
 * Chooses the learned detector's score threshold and the combined detector's "unsure" score on the real-dev DEV
 * split only (never validation):
 *   npx tsx tools/train-detector/tune.ts [--model models/panel-detector/panel-detector.onnx] [--split dev]
 * Runs the model once per NMS IoU with a low threshold, then sweeps thresholds offline (filtering after greedy NMS
 * equals NMS after filtering); layout+OCR runs once for the combined sweep, which applies the combined detector's
 * own first decision (modelInDoubt / answerInDoubt) but not its label-reading step (that needs OCR per setting:
 * `curator eval-detect --detector combined` scores the whole detector). Prints box F1@0.5 and count-in-range.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { captionPanelLabels } from '../../packages/pipeline/src/captions/panel-labels.ts';
import { decodeImage } from '../../packages/pipeline/src/images/decode.ts';
import { parseExsclaimGroundTruth } from '../../packages/pipeline/src/detect/ground-truth.ts';
import { answerInDoubt, modelInDoubt } from '../../packages/pipeline/src/detect/combined-detector.ts';
import { LayoutOcrDetector } from '../../packages/pipeline/src/detect/layout-detector.ts';
import { LearnedDetector, suppressContained } from '../../packages/pipeline/src/detect/learned-detector.ts';
import { rescaleResult } from '../../packages/pipeline/src/detect/run.ts';
import { scoreFigure, summarise } from '../../packages/pipeline/src/detect/score.ts';
import type { FigureScore } from '../../packages/pipeline/src/detect/score.ts';
import type { Panel } from '../../packages/pipeline/src/detect/types.ts';

const { values } = parseArgs({ options: { model: { type: 'string' }, split: { type: 'string', default: 'dev' }, layout: { type: 'boolean', default: true } } });
if (values.split === 'validation') throw new Error('thresholds are never chosen on the validation split');
const dir = 'test/fixtures/figures/real-dev';
const json = JSON.parse(await readFile(path.join(dir, 'expected.json'), 'utf8')) as Record<string, { split?: string; panel_count_range?: [number, number] }>;
const truth = parseExsclaimGroundTruth(Object.fromEntries(Object.entries(json).filter(([, f]) => f.split === values.split)));
const figs = await Promise.all(truth.map(async (f) => ({ f, d: await decodeImage(path.join(dir, f.file)), hints: captionPanelLabels(f.caption), range: json[f.id]!.panel_count_range ?? [f.panels.length, f.panels.length] })));
const layout = values.layout ? await LayoutOcrDetector.create() : null;
const layoutPanels: Panel[][] = [];
if (layout) for (const { d, hints } of figs) layoutPanels.push(rescaleResult(await layout.detect(d.image, hints.length ? { captionLabels: hints } : undefined), d.width, d.height).panels);
const line = (name: string, scores: FigureScore[], counts: number[]): void => {
  const s = summarise(scores);
  const inRange = counts.filter((c, i) => c >= figs[i]!.range[0] && c <= figs[i]!.range[1]).length / figs.length;
  process.stdout.write(`${name.padEnd(34)} P ${s.precision.toFixed(3)} R ${s.recall.toFixed(3)} F1 ${s.f1.toFixed(3)}  in range ${inRange.toFixed(3)}\n`);
};
if (layout) line('layout-ocr', figs.map(({ f }, i) => scoreFigure(layoutPanels[i]!, f.panels)), layoutPanels.map((p) => p.length));
for (const nmsIou of [0.2, 0.3, 0.45]) for (const contain of [1, 0.8, 0.6]) {
  const det = await LearnedDetector.create({ ...(values.model ? { modelPath: values.model } : {}), confThreshold: 0.05, iouThreshold: nmsIou, containment: 1 });
  const raw = await det.detectBatch(figs.map(({ d }) => ({ image: d.image })));
  await det.close();
  const model = raw.map((r, i) => rescaleResult(r, figs[i]!.d.width, figs[i]!.d.height).panels);
  for (const conf of [0.2, 0.3, 0.4, 0.5, 0.6]) {
    const kept = model.map((ps, i): Panel[] => {
      const k = suppressContained(ps.filter((p) => p.score >= conf), contain);
      return k.length ? k : [{ box: [0, 0, figs[i]!.d.width, figs[i]!.d.height], score: 0.1 }];
    });
    line(`learned nms ${nmsIou} contain ${contain} conf ${conf}`, figs.map(({ f }, i) => scoreFigure(kept[i]!, f.panels)), kept.map((k) => k.length));
    if (!layout) continue;
    for (const unsure of [0, 0.5, 0.6, 0.7, 0.8]) {
      const chosen = kept.map((k, i): Panel[] => {
        const n = figs[i]!.hints.length;
        if (!modelInDoubt(k, n, unsure)) return k;
        const answer = answerInDoubt(n, k.length, layoutPanels[i]!);
        return answer === 'model' ? k : answer === 'layout-ocr' ? layoutPanels[i]! : [{ box: [0, 0, figs[i]!.d.width, figs[i]!.d.height], score: 0.5 }];
      });
      line(`  combined unsure ${unsure}`, figs.map(({ f }, i) => scoreFigure(chosen[i]!, f.panels)), chosen.map((k) => k.length));
    }
  }
}
await layout?.close();
