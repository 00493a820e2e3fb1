import { describe, expect, it } from 'vitest';
import { reprocessCommand, shellQuote } from './reprocess.ts';

describe('reprocess command', () => {
  it('names the stage and class of the filter', () => {
    expect(reprocessCommand({ stage: 'ingest', errorClass: 'CorruptImage', resolved: 'false', run: undefined, since: undefined })).toBe(
      'curator reprocess --failed --stage ingest --error-class CorruptImage',
    );
  });

  it('adds run and since when filtered on them', () => {
    expect(
      reprocessCommand({ stage: 'detect', errorClass: undefined, resolved: 'all', run: 'run-7', since: new Date('2026-11-01T00:00:00Z') }),
    ).toBe('curator reprocess --failed --stage detect --run run-7 --since 2026-11-01T00:00:00.000Z');
  });

  it('offers nothing for resolved failures', () => {
    expect(reprocessCommand({ stage: 'ingest', errorClass: undefined, resolved: 'true', run: undefined, since: undefined })).toBeNull();
  });

  it('quotes what a shell would split or expand', () => {
    expect(shellQuote('a b')).toBe(`'a b'`);
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
    expect(shellQuote('$(rm)')).toBe(`'$(rm)'`);
    expect(shellQuote('Plain_1.2:x')).toBe('Plain_1.2:x');
  });
});
