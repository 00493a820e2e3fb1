import { describe, expect, it } from 'vitest';
import { finalizeJobId, jobId, sanitizeIdPart } from './job-ids.ts';
import { STAGE_VERSIONS } from './stage-versions.ts';

describe('job ids', () => {
  it('derives ids from the article version, stage and stage version', () => {
    expect(jobId({ articleKey: 'PMC123.1', stage: 'ingest' })).toBe(`PMC123.1__ingest__v${STAGE_VERSIONS.ingest}`);
    expect(jobId({ articleKey: 'PMC123.1', stage: 'detect', figure: 2 })).toBe(`PMC123.1__f2__detect__v${STAGE_VERSIONS.detect}`);
    expect(jobId({ articleKey: 'PMC123.1', stage: 'detect', figure: 2, version: 7 })).toBe('PMC123.1__f2__detect__v7');
  });

  it('never contains ":" (BullMQ rejects it) and keeps distinct keys distinct', () => {
    const id = jobId({ articleKey: 'dir:some article/x', stage: 'align', figure: 0 });
    expect(id).not.toContain(':');
    expect(sanitizeIdPart('a:b')).toBe('a_b');
    expect(jobId({ articleKey: 'PMC1.1', stage: 'align', figure: 1 })).not.toBe(jobId({ articleKey: 'PMC1.1', stage: 'align', figure: 10 }));
  });

  it('gives reprocessing generations and new versions new ids', () => {
    const base = finalizeJobId('PMC9.2');
    expect(finalizeJobId('PMC9.2', 'r1')).not.toBe(base);
    expect(finalizeJobId('PMC9.2')).toBe(base);
  });
});
