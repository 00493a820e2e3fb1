import { describe, expect, it } from 'vitest';
import { STAGE_VERSIONS } from './queues/stage-versions.ts';
import { exclusionReason, isArticleComplete, isFigureSettled, outcomeOf, type LifecycleColumns } from './lifecycle.ts';

const comm = { licenseGroups: ['comm' as const], skipRetracted: true };
const all = { licenseGroups: ['comm' as const, 'noncomm' as const, 'other' as const], skipRetracted: true };
const curated: LifecycleColumns = {
  ingestStatus: 'done',
  ingestVersion: STAGE_VERSIONS.ingest,
  detectVersion: STAGE_VERSIONS.detect,
  alignVersion: STAGE_VERSIONS.align,
  outcome: 'curated',
  licenseGroup: 'comm',
  retracted: false,
};

describe('isArticleComplete (enqueue skips these)', () => {
  it('is true for curated or partial articles at the current stage versions only', () => {
    expect(isArticleComplete(curated, comm)).toBe(true);
    expect(isArticleComplete({ ...curated, outcome: 'partial' }, comm)).toBe(true);
    expect(isArticleComplete({ ...curated, detectVersion: STAGE_VERSIONS.detect - 1 }, comm)).toBe(false);
    expect(isArticleComplete({ ...curated, ingestVersion: null }, comm)).toBe(false);
    expect(isArticleComplete({ ...curated, outcome: null }, comm)).toBe(false);
  });
  it('treats a failed article as finished but not complete: a new run tries it again', () => {
    expect(isArticleComplete({ ...curated, outcome: 'failed' }, comm)).toBe(false);
  });
  it('lets the run decide exclusions: excluded by comm, ingested by a run with all licences', () => {
    const excluded = { ...curated, ingestStatus: 'skipped', outcome: 'excluded' as const, licenseGroup: 'noncomm' };
    expect(isArticleComplete(excluded, comm)).toBe(true);
    expect(isArticleComplete(excluded, all)).toBe(false);
    expect(isArticleComplete({ ...excluded, licenseGroup: 'comm', retracted: true }, all)).toBe(true);
    expect(isArticleComplete({ ...excluded, licenseGroup: 'comm', retracted: true }, { ...all, skipRetracted: false })).toBe(false);
  });
});

describe('exclusionReason', () => {
  it('names the licence group or the retraction', () => {
    expect(exclusionReason({ licenseGroup: 'other', retracted: false }, comm)).toMatch(/licence group "other"/);
    expect(exclusionReason({ licenseGroup: 'comm', retracted: true }, comm)).toMatch(/retracted/);
    expect(exclusionReason({ licenseGroup: 'comm', retracted: false }, comm)).toBeNull();
  });
});

describe('figures and outcomes', () => {
  const done = { ingestStatus: 'done', detectStatus: 'done', detectVersion: STAGE_VERSIONS.detect, alignStatus: 'done', alignVersion: STAGE_VERSIONS.align };
  it('settles a figure when curated at the current versions or stopped by a failure', () => {
    expect(isFigureSettled(done)).toBe(true);
    expect(isFigureSettled({ ...done, alignStatus: 'pending' })).toBe(false);
    expect(isFigureSettled({ ...done, alignVersion: STAGE_VERSIONS.align - 1 })).toBe(false);
    expect(isFigureSettled({ ...done, detectStatus: 'failed', alignStatus: 'pending' })).toBe(true);
    expect(isFigureSettled({ ...done, ingestStatus: 'failed', detectStatus: 'skipped' })).toBe(true);
  });
  it('is curated when every figure is, partial when some failed, failed when none is curated', () => {
    const failed = { ...done, detectStatus: 'failed' };
    expect(outcomeOf([done, done])).toBe('curated');
    expect(outcomeOf([done, failed])).toBe('partial');
    expect(outcomeOf([failed, { ...done, ingestStatus: 'failed' }])).toBe('failed');
    expect(outcomeOf([])).toBe('curated');
  });
});
