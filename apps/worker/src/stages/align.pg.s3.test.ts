import { Prisma } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGE_VERSIONS } from '@pmc-curator/store/queues';
import { detectDeps, figureJob, guarded, openStageEnvironment, type StageEnvironment } from '../../../../test/support/stages.ts';
import { runAlignStage } from './align.ts';
import { runDetectStage } from './detect.ts';

// runAlignStage against PostgreSQL on a real sample article: ingested and detected (real detector, crops in
// s3rver) in beforeAll, so the subfigures it pairs are the ones the detect stage writes.
let env: StageEnvironment;

beforeAll(async () => {
  env = await openStageEnvironment('stage_align');
  const deps = await detectDeps(env);
  for (const figure of env.figures) expect((await runDetectStage(deps, figureJob(env, figure.id))).status).toBe('detected');
}, 120_000);

afterAll(async () => {
  await env?.close();
});

const rows = async (figureId: string) => {
  const figure = await env.db.figure.findUniqueOrThrow({
    where: { id: figureId },
    select: {
      alignStatus: true,
      alignVersion: true,
      sharedCaption: true,
      subcaptions: { orderBy: { index: 'asc' }, select: { index: true, label: true, text: true, confidence: true, alignVersion: true } },
      pairs: { orderBy: { subfigureId: 'asc' }, select: { subfigureId: true, label: true, text: true, method: true, confidence: true, alignVersion: true, subcaption: { select: { label: true } } } },
    },
  });
  return figure;
};

describe('runAlignStage on a detected sample figure (pone.0060593)', () => {
  it('writes the subcaptions and one pair per matched subfigure; running it again changes nothing', async () => {
    const figure = env.figures[0]!;
    const subfigures = await env.db.subfigure.findMany({ where: { figureId: figure.id }, select: { id: true } });
    const first = await runAlignStage(env.db, figureJob(env, figure.id));
    expect(first.status).toBe('aligned');
    expect(first.pairs).toBeGreaterThan(0);
    const after = await rows(figure.id);
    expect(after.alignStatus).toBe('done');
    expect(after.alignVersion).toBe(STAGE_VERSIONS.align);
    // Figure 1's caption: "(a) A self loop … (b) A simple loop …" and further lettered items.
    expect(after.subcaptions.map((s) => s.label).slice(0, 2)).toEqual(['a', 'b']);
    expect(after.subcaptions.every((s) => s.text.length > 0 && s.alignVersion === STAGE_VERSIONS.align)).toBe(true);
    expect(after.pairs).toHaveLength(first.pairs);
    expect(after.pairs.length).toBeLessThanOrEqual(subfigures.length);
    const ids = new Set(subfigures.map((s) => s.id));
    for (const pair of after.pairs) {
      expect(ids.has(pair.subfigureId)).toBe(true);
      expect(['label', 'position', 'order', 'whole_caption', 'unmatched_panel']).toContain(pair.method);
      // A pair with a label points at the subcaption of that label.
      if (pair.label && pair.subcaption) expect(pair.subcaption.label).toBe(pair.label);
    }

    expect(await runAlignStage(env.db, figureJob(env, figure.id))).toEqual({ status: 'unchanged', pairs: first.pairs });
    expect(await rows(figure.id)).toEqual(after);

    // Aligned again (as reprocess does): rows replaced in place, none added.
    await env.db.figure.update({ where: { id: figure.id }, data: { alignStatus: 'pending' } });
    expect(await runAlignStage(env.db, figureJob(env, figure.id))).toEqual({ status: 'aligned', pairs: first.pairs });
    expect(await rows(figure.id)).toEqual(after);
    expect(await env.db.subcaption.count({ where: { figureId: figure.id } })).toBe(after.subcaptions.length);
    expect(await env.db.pair.count({ where: { figureId: figure.id } })).toBe(after.pairs.length);
  });

  it('a figure without a detection (its detect failed) is marked skipped: no rows, no ledger row, and the job succeeds', async () => {
    const figure = env.figures[1]!;
    await env.db.subfigure.deleteMany({ where: { figureId: figure.id } });
    await env.db.figure.update({ where: { id: figure.id }, data: { detectStatus: 'failed' } });
    const error = await guarded(env, { stage: 'align', figure }, async () => {
      expect(await runAlignStage(env.db, figureJob(env, figure.id))).toEqual({ status: 'skipped', pairs: 0, reason: 'detect is failed' });
    });
    expect(error).toBeNull();
    expect(await rows(figure.id)).toMatchObject({ alignStatus: 'skipped', alignVersion: null, subcaptions: [], pairs: [] });
    expect(await env.db.failure.count({ where: { articleKey: env.articleKey, stage: 'align' } })).toBe(0);
  });

  it('a figure deleted since its job was queued is skipped with the reason', async () => {
    expect(await runAlignStage(env.db, figureJob(env, 'no-such-figure'))).toEqual({ status: 'skipped', pairs: 0, reason: 'figure no longer exists' });
  });

  it('a subfigure whose stored label box is not a box is paired without its label rather than failing', async () => {
    const figure = env.figures[0]!;
    await env.db.subfigure.updateMany({ where: { figureId: figure.id }, data: { labelText: null, labelBox: Prisma.DbNull } });
    const sub = await env.db.subfigure.findFirstOrThrow({ where: { figureId: figure.id }, orderBy: { index: 'asc' } });
    const realign = async (labelBox: unknown) => {
      await env.db.subfigure.update({ where: { id: sub.id }, data: { labelText: 'a', labelBox: labelBox as never } });
      await env.db.figure.update({ where: { id: figure.id }, data: { alignStatus: 'pending' } });
      expect((await runAlignStage(env.db, figureJob(env, figure.id))).status).toBe('aligned');
      return env.db.pair.findUniqueOrThrow({ where: { subfigureId: sub.id }, select: { method: true, label: true } });
    };
    expect(await realign([sub.x1, sub.y1, sub.x1 + 10, sub.y1 + 10])).toEqual({ method: 'label', label: 'a' });
    expect((await realign({ not: 'a box' })).method).not.toBe('label');
    expect((await realign([1, 2, 'x', 4])).method).not.toBe('label');
  });
});
