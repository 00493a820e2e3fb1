import { readFileSync } from 'node:fs';
import { ocrModelPaths } from './models.ts';
import { createSession, ort } from '../onnx/session.ts';
import { gatherOutputClasses } from '../onnx/gather-classes.ts';
import { simplifyGraph } from '../onnx/simplify-graph.ts';
import type { SessionOptions } from '../onnx/session.ts';

/** A grey image crop (one byte per pixel), dark text on light background preferred. */
export interface GreyCrop {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface Recognition {
  text: string;
  /** Mean probability of the emitted characters (0 when nothing was read). */
  confidence: number;
}

export interface RecognizerOptions extends SessionOptions {
  /** Path of the PP-OCR recognition model. Default: the bundled PP-OCRv4 model. */
  modelPath?: string;
  /** Path of the character dictionary. Default: the bundled ppocr_keys_v1.txt. */
  dictionaryPath?: string;
  /**
   * Characters the decoder may emit. Panel labels are Latin letters, digits and brackets, so restricting the
   * CTC argmax to them stops look-alike CJK characters from winning. Default: letters, digits, `()[].:`.
   */
  alphabet?: string;
  /** Network input height. PP-OCRv4 uses 48. */
  inputHeight?: number;
  /**
   * Network input widths (pixels at inputHeight). Each crop is scaled to the input height, squeezed to the
   * widest when wider, and padded on the right to the narrowest width that holds it, so that its reading does
   * not depend on the crops it is batched with (within one figure or across a detectBatch). Default
   * 32, 48, 64, 96, 128: labels are short, and wider inputs cost time without reading them better.
   */
  inputWidths?: number[];
  /**
   * Rewrite the graph's spelled-out hard-swish and post-Conv scalar affines into fewer ops before loading
   * (`simplifyGraph`; same outputs up to float rounding, about 10% less CPU per crop). Default true.
   */
  simplifyGraph?: boolean;
}

const DEFAULT_INPUT_WIDTHS = [32, 48, 64, 96, 128];
// Roman numeral glyphs (NFKC: Ⅲ -> III) win over ii/iii on bold labels, so they are allowed too.
const DEFAULT_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789()[].:ⅡⅢⅣ';

/**
 * The graph as run: simplified (unless `simplify` is false) and with the output cut to `classes` (the blank and
 * the allowed characters: the same probabilities, 1 % of the bytes to allocate and decode). A file protobuf cannot
 * parse is passed on as is, for onnxruntime to report.
 */
function preparedModel(bytes: Uint8Array, simplify: boolean, classes: number[]): Uint8Array {
  try {
    return gatherOutputClasses(simplify ? simplifyGraph(bytes).model : bytes, classes);
  } catch {
    return bytes;
  }
}

/** PP-OCR text-line recognizer run directly with onnxruntime: batched, CTC greedy decoding, NFKC output. */
export class TextRecognizer {
  readonly provider: string;
  /** Crops recognised so far (for benchmarks). */
  cropsRead = 0;
  /** Network calls made so far (for benchmarks and tests). */
  callsMade = 0;
  private constructor(
    private readonly session: ort.InferenceSession,
    /** The characters of the model's output classes after the blank (class 0), in output order. */
    private readonly characters: string[],
    private readonly inputHeight: number,
    private readonly inputWidths: number[],
    provider: string,
  ) {
    this.provider = provider;
  }

  static async create(options: RecognizerOptions = {}): Promise<TextRecognizer> {
    const paths = ocrModelPaths();
    const dictionary = readFileSync(options.dictionaryPath ?? paths.dictionary, 'utf8').split(/\r?\n/);
    if (dictionary.at(-1) === '') dictionary.pop();
    // Index 0 is the CTC blank; PP-OCR appends a space as the last class.
    const keys = ['', ...dictionary, ' '];
    const alphabet = options.alphabet ?? DEFAULT_ALPHABET;
    const allowed = keys.flatMap((k, i) => (i > 0 && k.length > 0 && (alphabet.includes(k) || alphabet.includes(k.normalize('NFKC'))) ? [i] : []));
    const bytes = readFileSync(options.modelPath ?? paths.recognition);
    const model = preparedModel(bytes, options.simplifyGraph !== false, [0, ...allowed]);
    const { session, provider } = await createSession(model, options);
    return new TextRecognizer(session, allowed.map((i) => keys[i]!), options.inputHeight ?? 48,
      [...(options.inputWidths ?? DEFAULT_INPUT_WIDTHS)].sort((x, y) => x - y), provider);
  }

  /**
   * Reads each crop as one text line. Crops padded to the same input width share one network call; mixing a
   * wide crop with narrow ones would pad all of them to the widest and multiply the cost.
   */
  async recognize(crops: GreyCrop[]): Promise<Recognition[]> {
    if (crops.length === 0) return [];
    this.cropsRead += crops.length;
    const h = this.inputHeight;
    const widest = this.inputWidths.at(-1) ?? h;
    const widths = crops.map((c) => Math.max(1, Math.min(widest, Math.ceil((c.width / Math.max(1, c.height)) * h))));
    const padded = widths.map((w) => this.inputWidths.find((b) => b >= w) ?? widest);
    const results: Recognition[] = new Array(crops.length);
    for (const inputWidth of new Set(padded)) {
      const group = crops.map((_, i) => i).filter((i) => padded[i] === inputWidth);
      const out = await this.runBatch(group.map((i) => crops[i]!), group.map((i) => widths[i]!), inputWidth);
      group.forEach((i, k) => { results[i] = out[k]!; });
    }
    return results;
  }

  private async runBatch(crops: GreyCrop[], widths: number[], batchWidth: number): Promise<Recognition[]> {
    const h = this.inputHeight;
    // A narrow letter gets a few CTC steps of mid-grey padding to its right, as PaddleOCR's fixed-width
    // batches have: "ii" needs room for i, blank, i.
    const input = new Float32Array(crops.length * 3 * h * batchWidth);
    const plane = h * batchWidth;
    crops.forEach((crop, n) => {
      const w = widths[n] ?? 8;
      const base = n * 3 * plane;
      // Padding is 0 after normalisation (mid grey), as PaddleOCR pads its batches.
      for (let y = 0; y < h; y++) {
        const sy = Math.min(crop.height - 1, Math.floor(((y + 0.5) * crop.height) / h));
        for (let x = 0; x < w; x++) {
          const sx = Math.min(crop.width - 1, Math.floor(((x + 0.5) * crop.width) / w));
          const v = (crop.data[sy * crop.width + sx] ?? 255) / 127.5 - 1;
          const o = base + y * batchWidth + x;
          input[o] = v;
          input[o + plane] = v;
          input[o + 2 * plane] = v;
        }
      }
    });
    const feeds = { [this.session.inputNames[0] ?? 'x']: new ort.Tensor('float32', input, [crops.length, 3, h, batchWidth]) };
    this.callsMade++;
    const outputs = await this.session.run(feeds);
    const out = outputs[this.session.outputNames[0] ?? ''];
    if (!out) throw new Error('recognizer produced no output');
    const probs = out.data as Float32Array;
    const [, steps = 0, classes = 0] = out.dims;
    if (classes !== this.characters.length + 1) throw new Error(`the recognizer model outputs ${classes} classes per step, not the blank and ${this.characters.length} characters: not a PP-OCR recognition model`);
    const results = crops.map((_, n) => this.decode(probs, n * steps * classes, steps, classes));
    out.dispose?.();
    return results;
  }

  private decode(probs: Float32Array, offset: number, steps: number, classes: number): Recognition {
    let text = '';
    let sum = 0;
    let count = 0;
    let previous = -1;
    for (let t = 0; t < steps; t++) {
      const row = offset + t * classes;
      const blank = probs[row] ?? 0;
      let best = 0;
      let bestP = blank;
      for (let k = 1; k < classes; k++) {
        const p = probs[row + k] ?? 0;
        if (p > bestP) { bestP = p; best = k; }
      }
      if (best !== 0 && best !== previous) {
        text += this.characters[best - 1] ?? '';
        sum += bestP;
        count++;
      }
      previous = best;
    }
    return { text: text.normalize('NFKC'), confidence: count ? sum / count : 0 };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
