import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { SPLITTER_VERSION, splitCaption } from '@pmc-curator/pipeline/captions';
import { ALIGNER_VERSION, alignPanels, type Alignment } from '@pmc-curator/pipeline/align';
import { captionPanelLabels, createDetector, decodeImage, rescaleResult, type SubfigureDetector } from '@pmc-curator/pipeline/detect';

interface AlignOptions {
  captionFile?: string;
  jsonl?: boolean;
  detector?: string;
  model?: string;
}

async function alignOne(detector: SubfigureDetector, image: string, caption: string): Promise<Alignment & { detector: string }> {
  const split = splitCaption(caption);
  const decoded = await decodeImage(image);
  // The same hints as the detect stage (captionPanelLabels): the splitter's labels may be positional words or
  // sub-labels, and the detector drops every label it reads that is not among its hints.
  const hints = captionPanelLabels(caption);
  const raw = await detector.detect(decoded.image, hints.length > 0 ? { captionLabels: hints } : undefined);
  const result = rescaleResult(raw, decoded.width, decoded.height);
  return { ...alignPanels(result.panels, split), detector: `${result.method}@${result.modelVersion}` };
}

function view(a: Alignment & { detector: string }): object {
  return {
    pairs: a.pairs.map((p) => ({ box: p.box, label: p.label, panelLabel: p.panelLabel, subcaption: p.subcaption, confidence: p.confidence, method: p.method })),
    mismatch: a.mismatch,
    flags: a.flags,
    unknownPanelLabels: a.unknownPanelLabels,
    detector: a.detector,
    splitter: SPLITTER_VERSION,
    aligner: ALIGNER_VERSION,
  };
}

export function registerAlign(program: Command): void {
  program
    .command('align')
    .description('detect the panels of a figure and pair each with its subcaption; prints {pairs:[{box,label,panelLabel,subcaption,confidence,method}], mismatch, flags}')
    .argument('[image]', 'figure image; with --jsonl, a JSON-lines file or "-" for stdin')
    .option('--caption-file <file>', 'the figure caption (text)')
    .option('--jsonl', 'read {"id","image","caption"} lines, write {"id", pairs} (or {"id", error}) lines')
    .option('--detector <name>', 'detector name passed to createDetector (default: combined)')
    .option('--model <path>', 'ONNX panel detector model')
    .action(async (image: string | undefined, opts: AlignOptions) => {
      if (!opts.jsonl && !image) throw new Error('give an image path (or --jsonl)');
      const detector = await createDetector({ ...(opts.detector ? { name: opts.detector } : {}), ...(opts.model ? { modelPath: opts.model } : {}) });
      try {
        if (!opts.jsonl) {
          const caption = opts.captionFile ? await readFile(opts.captionFile, 'utf8') : '';
          process.stdout.write(`${JSON.stringify(view(await alignOne(detector, image!, caption)))}\n`);
          return;
        }
        const input = !image || image === '-' ? process.stdin : createReadStream(image);
        const rl = createInterface({ input, crlfDelay: Infinity });
        for await (const line of rl) {
          if (line.trim().length === 0) continue;
          let id: unknown = null;
          let out: object;
          try {
            const obj = JSON.parse(line) as { id?: unknown; image?: unknown; caption?: unknown };
            id = obj.id ?? null;
            if (typeof obj.image !== 'string') throw new Error('missing "image"');
            out = { id, ...view(await alignOne(detector, obj.image, typeof obj.caption === 'string' ? obj.caption : '')) };
          } catch (error) {
            out = { id, error: error instanceof Error ? error.message : String(error) };
          }
          process.stdout.write(`${JSON.stringify(out)}\n`);
        }
      } finally {
        await detector.close?.();
      }
    });
}
