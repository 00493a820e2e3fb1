import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../apps/worker/src/config.ts';
import { enqueueRun } from '../../apps/worker/src/run/enqueue.ts';
import { waitForRun } from '../../apps/worker/src/run/wait.ts';
import { createSource, type SourceSpec } from '../../apps/worker/src/sources.ts';
import type { WorkerPool } from '../../apps/worker/src/workers/pool.ts';
import { HostileReport } from '../report/hostile-report.ts';
import { hugePng, writeTarGzBomb } from '../support/bad-inputs.ts';
import { closeRunEnvironment, faultConfig, openRunEnvironment, startInProcessPool, type RunEnvironment } from './support/harness.ts';

/**
 * Hostile inputs an outside tester used against the workers, run end to end (ingest + detect children, real
 * layout-ocr detector): each is refused with a classified ledger row or processed within a memory bound, and
 * no worker is wedged or blown up. The bound is asserted on the peak resident set (VmHWM) of every child.
 */
const PEAK_RSS_BOUND = 1024 * 2 ** 20;
const work = mkdtempSync(path.join(os.tmpdir(), 'pmc-hostile-run-'));
const dirRoot = path.join(work, 'articles');
const legacyRoot = path.join(work, 'packages');
const outside = path.join(work, 'outside');
let config: Config;
let env: RunEnvironment;
let pool: WorkerPool | null = null;
const report = new HostileReport('worker-inputs.json', 'worker');

const XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"';
const jats = (id: string, caption = '(A) Left panel. (B) Right panel.') =>
  `<article ${XLINK}><front><article-meta><article-id pub-id-type="pmc">${id}</article-id><title-group><article-title>${id}</article-title></title-group>` +
  '<permissions><license xlink:href="https://creativecommons.org/licenses/by/4.0/"/></permissions></article-meta></front>' +
  `<body><fig id="f1"><label>Figure 1</label><caption><p>${caption}</p></caption><graphic xlink:href="g1"/></fig></body></article>`;

function article(name: string, xml: string, media: (folder: string) => void): void {
  const folder = path.join(dirRoot, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'article.nxml'), xml);
  media(folder);
}

/** Peak resident set (VmHWM) of each pool child of this process, in bytes. */
function childPeaks(): Array<{ pid: number; name: string; peak: number }> {
  const peaks: Array<{ pid: number; name: string; peak: number }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) !== process.pid) continue;
      // Pool children carry their pool's name in PMC_CURATOR_CHILD (workers/process-pool.ts).
      const name = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').find((v) => v.startsWith('PMC_CURATOR_CHILD='))?.split('=')[1];
      if (!name) continue;
      peaks.push({ pid: Number(entry), name, peak: Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1]) * 1024 });
    } catch {
      // The process went away.
    }
  }
  return peaks;
}

beforeAll(async () => {
  config = faultConfig({ JOB_ATTEMPTS: '1', JOB_TIMEOUT_MS: '120000', DETECT_MAX_BATCH: '1', DETECTOR: 'layout-ocr' });
  env = await openRunEnvironment(config);
  mkdirSync(outside, { recursive: true });
  writeFileSync(path.join(outside, 'secret.jpg'), 'not part of the source');
  article('fifo', jats('1'), (folder) => execFileSync('mkfifo', [path.join(folder, 'g1.jpg')]));
  article('zero', jats('2'), (folder) => symlinkSync('/dev/zero', path.join(folder, 'g1.jpg')));
  article('escape', jats('3'), (folder) => symlinkSync(path.join(outside, 'secret.jpg'), path.join(folder, 'g1.jpg')));
  const png = await hugePng(14_000);
  article('huge', jats('4'), (folder) => writeFileSync(path.join(folder, 'g1.png'), png));
  // A 4-million-character caption (the tester's was 48 MB).
  article('caption', jats('5', 'A legend that never ends. '.repeat(160_000)), (folder) => writeFileSync(path.join(folder, 'g1.png'), png.subarray(0, 0)));
  mkdirSync(legacyRoot, { recursive: true });
  // 2.6 MB that expands to 2.5 GiB.
  await writeTarGzBomb(path.join(legacyRoot, 'PMC6.tar.gz'), jats('6'), 2.5 * 2 ** 30);
}, 120_000);

afterAll(async () => {
  if (report.size > 0) report.write();
  await pool?.close(500);
  await closeRunEnvironment(env);
  rmSync(work, { recursive: true, force: true });
});

async function runSource(spec: SourceSpec) {
  const { db, queues } = env;
  const run = await enqueueRun(db, queues, config, { source: createSource(spec, config), spec, filters: { licenseGroups: ['comm', 'noncomm', 'other'], skipRetracted: true } });
  return waitForRun(db, run.runId, { timeoutMs: 240_000 });
}

describe('hostile inputs end to end', () => {
  it('refuses special files, links out of the source, long captions and archive bombs with ledger rows, and stays within the memory bound', async () => {
    const { db, store } = env;
    pool = await startInProcessPool(config, { db, store }, ['ingest', 'detect', 'align']);
    expect((await runSource({ kind: 'dir', location: dirRoot })).status).toBe('finished');
    expect((await runSource({ kind: 'legacy', location: legacyRoot })).status).toBe('finished');

    const failures = await db.failure.findMany({ select: { articleKey: true, stage: true, subject: true, errorClass: true, kind: true }, orderBy: { articleKey: 'asc' } });
    expect(failures).toEqual([
      { articleKey: 'dir:caption', stage: 'ingest', subject: 'f1', errorClass: 'CaptionTooLong', kind: 'permanent' },
      { articleKey: 'dir:escape', stage: 'ingest', subject: 'f1', errorClass: 'UnsafeFile', kind: 'permanent' },
      { articleKey: 'dir:fifo', stage: 'ingest', subject: 'f1', errorClass: 'UnsafeFile', kind: 'permanent' },
      { articleKey: 'dir:zero', stage: 'ingest', subject: 'f1', errorClass: 'UnsafeFile', kind: 'permanent' },
      { articleKey: 'legacy:PMC6', stage: 'ingest', subject: '', errorClass: 'DecompressionBomb', kind: 'permanent' },
    ]);
    // The 14000×14000 figure was analysed at a bounded resolution; its boxes and crops are in original pixels.
    const huge = await db.figure.findFirstOrThrow({ where: { article: { key: 'dir:huge' } }, include: { subfigures: true } });
    expect(huge).toMatchObject({ width: 14_000, height: 14_000, detectStatus: 'done' });
    expect(huge.subfigures.length).toBeGreaterThan(0);
    expect(Math.max(...huge.subfigures.map((s) => s.x2))).toBeGreaterThan(2000);

    const peaks = childPeaks();
    console.log(`peak RSS of the pool children: ${peaks.map((p) => `${p.name} ${Math.round(p.peak / 2 ** 20)} MiB`).join(', ')}`);
    expect(peaks.map((p) => p.name).sort()).toEqual(['detect', 'ingest']);
    for (const child of peaks) expect({ child: child.name, overBound: child.peak > PEAK_RSS_BOUND }).toEqual({ child: child.name, overBound: false });
    const peak = `child peak RSS ${Math.round(Math.max(...peaks.map((p) => p.peak)) / 2 ** 20)} MiB`;
    report.add('directory source: a graphic that is a FIFO', 'ledger UnsafeFile (permanent, that figure; the article goes on), nothing read, no wedged worker');
    report.add('directory source: a graphic that is a symbolic link to /dev/zero', 'ledger UnsafeFile (permanent, that figure; the article goes on), nothing read');
    report.add('directory source: a symbolic link to a file outside the source root', 'ledger UnsafeFile (permanent, that figure; the article goes on), not followed');
    report.add('a 4,000,000-character caption', 'ledger CaptionTooLong (permanent, subject = figure id); the figure is not stored');
    report.add('legacy tar.gz of 2.6 MB expanding to 2.5 GiB', `ledger DecompressionBomb (permanent, article), stopped while expanding; ${peak}`);
    report.add('a 14000×14000 PNG figure', `ingested and detected (analysed at ANALYSIS_MAX_SIDE, boxes in original pixels); ${peak}`);
  });
});
