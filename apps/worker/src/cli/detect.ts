import { z } from 'zod';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { isCurationError } from '@pmc-curator/pipeline/errors';
import { createDetector, detectFile, detectJsonLines, resultToJson } from '@pmc-curator/pipeline/detect';
import { intFlag, parseFlags } from './support/flags.ts';

const numbers = z.object({ batchSize: intFlag({ min: 1 }).default(8) });

interface DetectCommandOptions {
  captionFile?: string;
  detector?: string;
  model?: string;
  jsonl?: boolean;
  batchSize?: string;
}

/**
 * `curator detect <image>`: print the panels of one figure as JSON; with `--jsonl`, read
 * `{"id","image","caption"?}` lines from the argument file (or stdin when it is "-" or missing) and write one
 * result line per input, loading the models once.
 */
export function registerDetect(program: Command): void {
  program
    .command('detect')
    .description('detect the panels (subfigures) of a figure image and their labels; prints {width, height, method, panels} as JSON')
    .argument('[image]', 'figure image (JPEG/PNG/TIFF...); with --jsonl, a JSON-lines file or "-" for stdin')
    .option('--caption-file <file>', 'caption text; its panel labels (A, B, ...) guide the split')
    .option('--detector <name>', 'combined (default: the project model + OCR labels), learned, layout-ocr (no weights), layout (no OCR), onnx-yolo, onnx-detr')
    .option('--model <path>', 'YOLO (v5/v8) or DETR-style ONNX panel detector to use instead')
    .option('--jsonl', 'read {"id","image","caption"?} lines, write {"id",width,height,method,panels} or {"id","error"} lines')
    .option('--batch-size <n>', 'images per inference call with --jsonl', '8')
    .action(async (image: string | undefined, options: DetectCommandOptions) => {
      const { batchSize } = parseFlags(numbers, options);
      if (!options.jsonl && !image) throw new Error('give an image path (or --jsonl)');
      const detector = await createDetector({
        ...(options.detector ? { name: options.detector } : {}),
        ...(options.model ? { modelPath: options.model } : {}),
        onnx: { batchSize },
      });
      try {
        if (options.jsonl) {
          const input = !image || image === '-' ? process.stdin : (await import('node:fs')).createReadStream(image);
          const lines = createInterface({ input, crlfDelay: Infinity });
          for await (const out of detectJsonLines(detector, lines, { batchSize })) process.stdout.write(`${JSON.stringify(out)}\n`);
          return;
        }
        const caption = options.captionFile ? await readFile(options.captionFile, 'utf8') : undefined;
        try {
          const result = await detectFile(detector, image!, caption ? { caption } : {});
          process.stdout.write(`${JSON.stringify(resultToJson(result))}\n`);
        } catch (error) {
          if (isCurationError(error)) throw new Error(`${error.errorClass}: ${error.message}`);
          throw error;
        }
      } finally {
        await detector.close?.();
      }
    });
}
