import { describe, expect, it } from 'vitest';
import { figureJobKey, finalizeJobId, jobId, sanitizeIdPart } from './job-ids.ts';
import { STAGE_VERSIONS } from './stage-versions.ts';

describe('job ids', () => {
  it('derives ids from the article version, stage and stage version', () => {
    expect(jobId({ articleKey: 'PMC123.1', stage: 'ingest' })).toBe(`PMC123.1__ingest__v${STAGE_VERSIONS.ingest}`);
    expect(jobId({ articleKey: 'PMC123.1', stage: 'detect', figure: 'F2' })).toBe(`PMC123.1__fig-F2__detect__v${STAGE_VERSIONS.detect}`);
    expect(jobId({ articleKey: 'PMC123.1', stage: 'detect', figure: 'F2', version: 7 })).toBe('PMC123.1__fig-F2__detect__v7');
  });

  it('never contains ":" (BullMQ rejects it) and keeps distinct keys distinct', () => {
    const id = jobId({ articleKey: 'dir:some article/x', stage: 'align', figure: 'fig:1' });
    expect(id).not.toContain(':');
    expect(sanitizeIdPart('a:b')).toBe('a_b');
    expect(jobId({ articleKey: 'PMC1.1', stage: 'align', figure: 'F1' })).not.toBe(jobId({ articleKey: 'PMC1.1', stage: 'align', figure: 'F10' }));
  });

  it('keys figure jobs by JATS id and graphic, not by ordinal (ordinals shift when graphics change)', () => {
    expect(figureJobKey({ jatsId: 'F3', graphicIndex: 0 })).toBe('F3');
    expect(figureJobKey({ jatsId: 'F3', graphicIndex: 1 })).toBe('F3.g1');
  });

  it('gives reprocessing generations and new versions new ids', () => {
    const base = finalizeJobId('PMC9.2');
    expect(finalizeJobId('PMC9.2', 'r1')).not.toBe(base);
    expect(finalizeJobId('PMC9.2')).toBe(base);
  });
});
