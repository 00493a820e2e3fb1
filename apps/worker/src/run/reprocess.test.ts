import { describe, expect, it } from 'vitest';
import { parseStageVersion } from './reprocess.ts';
import { isComplete } from './enqueue.ts';
import { STAGE_VERSIONS } from '../queues/stage-versions.ts';

describe('parseStageVersion', () => {
  it('parses STAGE:VERSION', () => {
    expect(parseStageVersion('detect:2')).toEqual({ stage: 'detect', version: 2 });
    expect(parseStageVersion(' align:10 ')).toEqual({ stage: 'align', version: 10 });
  });
  it('rejects unknown stages and missing versions with a hint', () => {
    expect(() => parseStageVersion('export:1')).toThrow(/e\.g\. detect:2/);
    expect(() => parseStageVersion('detect')).toThrow(/STAGE:VERSION/);
  });
});

describe('isComplete (enqueue skips these)', () => {
  const done = { ingestStatus: 'done', ingestVersion: STAGE_VERSIONS.ingest, alignStatus: 'done', detectVersion: STAGE_VERSIONS.detect, alignVersion: STAGE_VERSIONS.align };
  it('is true only when every stage is done at the current versions', () => {
    expect(isComplete(done)).toBe(true);
    expect(isComplete({ ...done, detectVersion: STAGE_VERSIONS.detect - 1 })).toBe(false);
    expect(isComplete({ ...done, alignStatus: 'failed' })).toBe(false);
    expect(isComplete({ ...done, ingestVersion: null })).toBe(false);
  });
  it('counts articles the filters excluded at the current ingest version as complete', () => {
    expect(isComplete({ ...done, ingestStatus: 'skipped', alignStatus: 'skipped' })).toBe(true);
  });
});
