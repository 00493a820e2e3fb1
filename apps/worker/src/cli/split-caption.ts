import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { SPLITTER_VERSION, splitCaption, type SplitCaption } from '@pmc-curator/pipeline/captions';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function view(r: SplitCaption): object {
  return {
    labels: r.labels,
    shared: r.shared,
    subcaptions: r.subcaptions.map((s) => ({ label: s.label, text: s.text, confidence: s.confidence })),
    confidence: r.confidence,
    uncertain: r.uncertain,
    mode: r.mode,
    flags: r.flags,
    version: SPLITTER_VERSION,
  };
}

function boldOf(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

export function registerSplitCaption(program: Command): void {
  program
    .command('split-caption')
    .description('split a figure caption (stdin) into per-panel subcaptions; prints JSON')
    .option('--jsonl', 'read {"id","caption"[, "bold"]} lines, write {"id", labels, shared, subcaptions} lines')
    .option('--bold <labels>', 'comma-separated texts of <bold> spans in the caption (label hints)')
    .action(async (opts: { jsonl?: boolean; bold?: string }) => {
      if (!opts.jsonl) {
        const caption = await readStdin();
        const boldLabels = opts.bold ? opts.bold.split(',') : undefined;
        process.stdout.write(`${JSON.stringify(view(splitCaption(caption, boldLabels ? { boldLabels } : {})))}\n`);
        return;
      }
      const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
      let lineNo = 0;
      for await (const line of rl) {
        lineNo++;
        if (line.trim().length === 0) continue;
        let id: unknown = null;
        let out: object;
        try {
          const obj = JSON.parse(line) as { id?: unknown; caption?: unknown; bold?: unknown };
          id = obj.id ?? null;
          const boldLabels = boldOf(obj.bold);
          out = { id, ...view(splitCaption(typeof obj.caption === 'string' ? obj.caption : '', boldLabels ? { boldLabels } : {})) };
        } catch (error) {
          out = { id, error: `line ${lineNo}: ${error instanceof Error ? error.message : String(error)}` };
        }
        if (!process.stdout.write(`${JSON.stringify(out)}\n`)) await new Promise((r) => process.stdout.once('drain', r));
      }
    });
}
