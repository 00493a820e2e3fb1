import { scaleBoxInto } from './boxes.ts';
import { captionPanelLabels } from '../captions/panel-labels.ts';
import { decodeImage } from '../images/decode.ts';
import type { DecodeOptions } from '../images/decode.ts';
import { classifyError } from '../errors.ts';
import type { Box, DetectionResult, SubfigureDetector } from './types.ts';

export interface DetectFileOptions {
  /** Caption text; its panel labels become detection hints. */
  caption?: string;
  decode?: DecodeOptions;
}

/** Scales a result computed on downsampled pixels back to the original image size. */
export function rescaleResult(result: DetectionResult, width: number, height: number): DetectionResult {
  if (result.width === width && result.height === height) return result;
  const sx = width / result.width;
  const sy = height / result.height;
  const scale = (b: readonly number[]): Box => scaleBoxInto(b, [sx, sy], [width, height]);
  return {
    ...result,
    width,
    height,
    panels: result.panels.map((p) => ({ ...p, box: scale(p.box), ...(p.label ? { label: { text: p.label.text, box: scale(p.label.box) } } : {}) })),
  };
}

/** Decodes an image file (or bytes) and detects its panels; boxes are in original pixels. */
export async function detectFile(detector: SubfigureDetector, input: string | Buffer, options: DetectFileOptions = {}): Promise<DetectionResult> {
  const decoded = await decodeImage(input, options.decode);
  const labels = options.caption ? captionPanelLabels(options.caption) : [];
  const result = await detector.detect(decoded.image, labels.length ? { captionLabels: labels } : undefined);
  return rescaleResult(result, decoded.width, decoded.height);
}

export interface JsonLineInput {
  id: string;
  image: string;
  caption?: string;
}

/** The public JSON shape of a result: `label` is always present (null when unread). */
export function resultToJson(result: DetectionResult): Record<string, unknown> {
  return {
    width: result.width,
    height: result.height,
    method: result.method,
    modelVersion: result.modelVersion,
    panels: result.panels.map((p) => ({ box: p.box, label: p.label ?? null, score: Math.round(p.score * 1000) / 1000 })),
  };
}

/**
 * Processes JSON lines `{"id","image","caption"?}` with one detector (models loaded once), `batchSize`
 * images per detectBatch call; yields one output object per input line, in input order.
 */
export async function* detectJsonLines(
  detector: SubfigureDetector, lines: AsyncIterable<string>, options: { batchSize?: number; decode?: DecodeOptions } = {},
): AsyncGenerator<Record<string, unknown>> {
  const batchSize = Math.max(1, options.batchSize ?? 8);
  let pending: Array<{ id: string; input?: JsonLineInput; error?: string }> = [];
  const flush = async function* (): AsyncGenerator<Record<string, unknown>> {
    const prepared = await Promise.all(pending.map(async (p) => {
      if (!p.input) return { id: p.id, error: p.error ?? 'invalid input line', errorClass: 'InvalidInput' };
      try {
        const decoded = await decodeImage(p.input.image, options.decode);
        const labels = p.input.caption ? captionPanelLabels(p.input.caption) : [];
        return { id: p.id, decoded, hints: labels.length ? { captionLabels: labels } : undefined };
      } catch (error) {
        const e = classifyError(error);
        return { id: p.id, error: e.message, errorClass: e.errorClass };
      }
    }));
    const ok = prepared.filter((p): p is { id: string; decoded: Awaited<ReturnType<typeof decodeImage>>; hints: { captionLabels: string[] } | undefined } => 'decoded' in p);
    let results: DetectionResult[] = [];
    try {
      const items = ok.map((p) => ({ image: p.decoded.image, ...(p.hints ? { hints: p.hints } : {}) }));
      results = detector.detectBatch ? await detector.detectBatch(items) : await Promise.all(items.map((i) => detector.detect(i.image, i.hints)));
    } catch (error) {
      const e = classifyError(error);
      for (const p of prepared) yield 'decoded' in p ? { id: p.id, error: e.message, errorClass: e.errorClass } : p;
      pending = [];
      return;
    }
    let k = 0;
    for (const p of prepared) {
      if ('decoded' in p && p.decoded) {
        const r = rescaleResult(results[k++]!, p.decoded.width, p.decoded.height);
        yield { id: p.id, ...resultToJson(r) };
      } else yield p;
    }
    pending = [];
  };
  let lineNo = 0;
  for await (const raw of lines) {
    lineNo++;
    const line = raw.trim();
    if (!line) continue;
    try {
      const obj = JSON.parse(line) as Partial<JsonLineInput>;
      const id = typeof obj.id === 'string' || typeof obj.id === 'number' ? String(obj.id) : `line-${lineNo}`;
      if (typeof obj.image !== 'string') pending.push({ id, error: 'missing "image" path' });
      else pending.push({ id, input: { id, image: obj.image, ...(typeof obj.caption === 'string' ? { caption: obj.caption } : {}) } });
    } catch {
      pending.push({ id: `line-${lineNo}`, error: 'line is not valid JSON' });
    }
    if (pending.length >= batchSize) yield* flush();
  }
  if (pending.length) yield* flush();
}
