import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// The detection and caption commands exactly as other tools call them: spawned, JSON in and out.
const run = promisify(execFile);
const CURATOR = new URL('../../apps/worker/bin/curator.js', import.meta.url).pathname;
const FIGURES = new URL('../fixtures/figures/exsclaim-ccby/', import.meta.url).pathname;
const FIG5 = join(FIGURES, 's41467-018-06211-3_fig5.jpg');
const expected = JSON.parse(readFileSync(join(FIGURES, 'expected.json'), 'utf8')) as Record<string, { full_caption: string }>;
const CAPTION5 = expected['s41467-018-06211-3_fig5.jpg']?.full_caption ?? '';

const tmp = mkdtempSync(join(tmpdir(), 'curator-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function curator(args: string[], stdin?: string): Promise<{ stdout: string; code: number }> {
  if (stdin === undefined) {
    const { stdout } = await run(process.execPath, [CURATOR, ...args], { maxBuffer: 16 * 1024 * 1024 });
    return { stdout, code: 0 };
  }
  const child = spawn(process.execPath, [CURATOR, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stdin.end(stdin);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  return { stdout, code };
}

const lines = (s: string): Array<Record<string, unknown>> => s.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('curator split-caption', () => {
  it('splits one caption from stdin into labels, shared text and subcaptions', async () => {
    const { stdout, code } = await curator(['split-caption'], CAPTION5);
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { labels: string[]; shared: string; subcaptions: Array<{ label: string; text: string }> };
    expect(out.labels).toEqual(['a', 'b', 'c', 'd']);
    expect(out.shared).toBe('Comparison of electrode properties and battery performance.');
    expect(out.subcaptions.find((s) => s.label === 'd')?.text).toMatch(/comparison of the gravimetric energy density \(d\) between zinc/);
    expect(out.subcaptions.find((s) => s.label === 'd')?.text).not.toMatch(/among gasoline/);
  });

  it('answers every --jsonl line in order, with an error line for a line it cannot read', async () => {
    const input = [JSON.stringify({ id: 'p1', caption: '(A) H&E staining. (B) Ki-67.' }), 'not json', JSON.stringify({ id: 'p3', caption: '' })].join('\n');
    const { stdout, code } = await curator(['split-caption', '--jsonl'], `${input}\n`);
    expect(code).toBe(0);
    const out = lines(stdout);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatchObject({ id: 'p1', labels: ['A', 'B'], subcaptions: [{ label: 'A', text: 'H&E staining.' }, { label: 'B', text: 'Ki-67.' }] });
    expect(out[1]?.error).toMatch(/line 2/);
    expect(out[2]).toMatchObject({ id: 'p3', labels: [], subcaptions: [] });
  });
});

describe('curator detect and align', () => {
  it('detect prints the panels of a real figure with their labels, inside the image', async () => {
    const out = JSON.parse((await curator(['detect', FIG5])).stdout) as { width: number; height: number; panels: Array<{ box: number[]; label?: { text: string } }> };
    expect([out.width, out.height]).toEqual([685, 609]);
    expect(out.panels.map((p) => p.label?.text)).toEqual(['a', 'b', 'c', 'd']);
    for (const p of out.panels) {
      expect(p.box[0]).toBeGreaterThanOrEqual(0);
      expect(p.box[2]).toBeLessThanOrEqual(out.width);
    }
  });

  it('align pairs each panel with its subcaption by the label it read; --jsonl reports a missing image as an error line', async () => {
    const captionFile = join(tmp, 'caption.txt');
    writeFileSync(captionFile, CAPTION5);
    const one = JSON.parse((await curator(['align', FIG5, '--caption-file', captionFile])).stdout) as {
      pairs: Array<{ label: string; subcaption: string; method: string; confidence: number }>;
    };
    expect(one.pairs.map((p) => [p.label, p.method])).toEqual([['a', 'label'], ['b', 'label'], ['c', 'label'], ['d', 'label']]);
    expect(one.pairs[1]?.subcaption).toMatch(/Precious metal dissolution/);
    const input = [JSON.stringify({ id: 'f5', image: FIG5, caption: CAPTION5 }), JSON.stringify({ id: 'gone', image: join(tmp, 'missing.png'), caption: 'x' })];
    const { stdout } = await curator(['align', '--jsonl'], `${input.join('\n')}\n`);
    const out = lines(stdout);
    expect(out.map((o) => o.id)).toEqual(['f5', 'gone']);
    expect((out[0]?.pairs as unknown[]).length).toBe(4);
    expect(out[1]?.error).toMatch(/missing/i);
  });
});

describe('evaluation commands', () => {
  it('eval-align scores against reviewed subcaptions when given them, and names the reference it used', async () => {
    const args = ['eval-align', FIGURES, '--gt-boxes', '--gt-labels'];
    const exsclaim = JSON.parse((await curator(args)).stdout) as { meanTokenF1: number; references: string };
    const reviewed = JSON.parse((await curator([...args, '--references', join(FIGURES, 'reviewed-subcaptions.json')])).stdout) as {
      meanTokenF1: number;
      references: string;
      subfigures: number;
    };
    expect(exsclaim.references).toMatch(/subcaptions in expected\.json/);
    expect(reviewed.references).toMatch(/reviewed subcaptions .*0 panels without one/);
    expect(reviewed.subfigures).toBe(27);
    expect(reviewed.meanTokenF1).toBeGreaterThan(0.5);
    expect(reviewed.meanTokenF1).not.toBeCloseTo(exsclaim.meanTokenF1, 2);
  });

  it('eval-captions prints label precision, recall, F1 and the mean subcaption token F1', async () => {
    const out = JSON.parse((await curator(['eval-captions', new URL('../fixtures/captions/prostate-subcaptions.json', import.meta.url).pathname])).stdout) as Record<string, number>;
    expect(out.figures).toBe(196);
    expect(out.labelF1).toBeGreaterThan(0.9);
    expect(out.meanSubcaptionTokenF1).toBeGreaterThan(0.8);
  });

  it('eval-captions reports the errors per failure kind and the calibration table of the held-out fold', async () => {
    const out = JSON.parse((await curator(['eval-captions', new URL('../fixtures/captions/zou-panelseg-dev.json', import.meta.url).pathname])).stdout) as {
      failureKinds: { missedLabels: { total: number; notPrinted: number }; falseLabels: { total: number }; spans: { byLayout: Record<string, { subcaptions: number }> } };
      calibrationHeldOut: { table: Array<{ subcaptions: number }>; calibrationError: number };
    };
    expect(out.failureKinds.missedLabels.notPrinted).toBeLessThanOrEqual(out.failureKinds.missedLabels.total);
    expect(out.failureKinds.spans.byLayout.prefix?.subcaptions).toBeGreaterThan(0);
    expect(out.calibrationHeldOut.table.reduce((a, r) => a + r.subcaptions, 0)).toBeGreaterThan(0);
    expect(out.calibrationHeldOut.calibrationError).toBeLessThan(0.15);
  });
});
