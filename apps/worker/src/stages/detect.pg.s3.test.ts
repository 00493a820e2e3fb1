import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGE_VERSIONS } from '@pmc-curator/store/queues';
import { detectDeps, figureJob, guarded, objectKeys, openStageEnvironment, type StageEnvironment } from '../../../../test/support/stages.ts';
import { cropKey, runDetectStage, type DetectStageDeps } from './detect.ts';

// runDetectStage against PostgreSQL and s3rver on a real sample figure, with the real detector (the default
// layout-ocr) run in this process, as a detect child would run it.
let env: StageEnvironment;
let deps: DetectStageDeps;

beforeAll(async () => {
  env = await openStageEnvironment('stage_detect');
  deps = await detectDeps(env);
}, 120_000);

afterAll(async () => {
  await env?.close();
});

const state = async (figureId: string) => {
  const figure = await env.db.figure.findUniqueOrThrow({
    where: { id: figureId },
    select: { detectStatus: true, detectVersion: true, detectMethod: true, subfigures: { orderBy: { index: 'asc' }, omit: { id: true, createdAt: true } } },
  });
  return { ...figure, crops: await objectKeys(env, 'crops/') };
};

describe('runDetectStage on a sample figure (pone.0060593 Figure 1)', () => {
  it('writes one subfigure row per panel and one crop object per distinct crop; running it again changes nothing', async () => {
    const figure = env.figures[0]!;
    const first = await runDetectStage(deps, figureJob(env, figure.id));
    expect(first.status).toBe('detected');
    expect(first.panels).toBeGreaterThan(1);
    const after = await state(figure.id);
    expect(after.detectStatus).toBe('done');
    expect(after.detectVersion).toBe(STAGE_VERSIONS.detect);
    expect(after.detectMethod).toBeTruthy();
    expect(after.subfigures).toHaveLength(first.panels);
    expect(after.subfigures.map((s) => s.index)).toEqual([...Array(first.panels).keys()]);
    for (const sub of after.subfigures) {
      expect(sub.cropKey).toBe(cropKey(sub.cropSha256 ?? ''));
      expect(sub.x2).toBeGreaterThan(sub.x1);
      expect(sub.y2).toBeGreaterThan(sub.y1);
    }
    const keys = [...new Set(after.subfigures.map((s) => s.cropKey))].sort();
    expect(after.crops).toEqual(keys);
    expect(first).toMatchObject({ cropsWritten: keys.length });
    const crop = await env.store.get(keys[0]!);
    expect([crop[0], crop[1]]).toEqual([0xff, 0xd8]);

    // Done at the current version: left alone.
    expect(await runDetectStage(deps, figureJob(env, figure.id))).toEqual({ status: 'unchanged', panels: first.panels });
    expect(await state(figure.id)).toEqual(after);

    // Detected again (as reprocess does): the rows are replaced, not added to, and no object is written twice.
    await env.db.figure.update({ where: { id: figure.id }, data: { detectStatus: 'pending' } });
    const again = await runDetectStage(deps, figureJob(env, figure.id));
    expect(again).toEqual({ status: 'detected', panels: first.panels, cropsWritten: 0 });
    expect(await state(figure.id)).toEqual(after);
  });

  it('records a corrupt normalised image as a permanent CorruptImage of the figure in the ledger, writes nothing, and resolves it once the image is good', async () => {
    const figure = env.figures[1]!;
    const good = await env.db.figure.findUniqueOrThrow({ where: { id: figure.id }, select: { normalizedKey: true } });
    const crops = await objectKeys(env, 'crops/');
    const corruptKey = 'normalized/00/corrupt-test.jpg';
    // A JPEG start-of-image marker followed by junk: sharp cannot read its header. (A truncated JPEG is not
    // enough here: ingest refuses one, but detect's decoder reads what is there.)
    await env.store.putIfAbsent(corruptKey, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]), 'image/jpeg');
    await env.db.figure.update({ where: { id: figure.id }, data: { normalizedKey: corruptKey } });

    const error = await guarded(env, { stage: 'detect', figure, attempts: 3 }, () => runDetectStage(deps, figureJob(env, figure.id)));
    expect(error?.name).toBe('UnrecoverableError');
    const failures = await env.db.failure.findMany({ where: { articleKey: env.articleKey, stage: 'detect' } });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ subject: figure.jatsId, figureJatsId: figure.jatsId, errorClass: 'CorruptImage', kind: 'permanent', attempt: 1, resolved: false });
    expect((await state(figure.id)).detectStatus).toBe('failed');
    expect(await env.db.subfigure.count({ where: { figureId: figure.id } })).toBe(0);
    expect(await objectKeys(env, 'crops/')).toEqual(crops);

    // The same failure again updates its row rather than adding one.
    await guarded(env, { stage: 'detect', figure, attempts: 3 }, () => runDetectStage(deps, figureJob(env, figure.id)));
    expect(await env.db.failure.count({ where: { articleKey: env.articleKey, stage: 'detect' } })).toBe(1);

    await env.db.figure.update({ where: { id: figure.id }, data: { normalizedKey: good.normalizedKey } });
    expect(await guarded(env, { stage: 'detect', figure }, () => runDetectStage(deps, figureJob(env, figure.id)))).toBeNull();
    expect((await state(figure.id)).detectStatus).toBe('done');
    expect(await env.db.failure.findFirstOrThrow({ where: { articleKey: env.articleKey, stage: 'detect' } })).toMatchObject({ resolved: true });
  });

  it('skips a figure that no longer exists or has no stored image', async () => {
    expect(await runDetectStage(deps, figureJob(env, 'no-such-figure'))).toEqual({ status: 'skipped', panels: 0 });
    const bare = await env.db.figure.create({ data: { articleId: env.articleId, jatsId: 'pone-bare', ordinal: 99, caption: '(A) x. (B) y.', ingestStatus: 'done' } });
    expect(await runDetectStage(deps, figureJob(env, bare.id))).toEqual({ status: 'skipped', panels: 0 });
    expect(await env.db.subfigure.count({ where: { figureId: bare.id } })).toBe(0);
  });
});
