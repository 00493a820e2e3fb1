import { describe, expect, it } from 'vitest';
import { parseConcurrency, parseStages } from './worker.ts';

describe('curator worker flags', () => {
  it('parses stage lists and rejects unknown stages', () => {
    expect(parseStages('detect,align')).toEqual(['detect', 'align']);
    expect(() => parseStages('detect,gpu')).toThrow(/not "gpu"/);
  });
  it('takes one concurrency for all stages or per stage', () => {
    expect(parseConcurrency('4', ['detect', 'align'])).toEqual({ detect: 4, align: 4 });
    expect(parseConcurrency('detect=16,align=2', ['detect', 'align'])).toEqual({ detect: 16, align: 2 });
    expect(() => parseConcurrency('0', ['detect'])).toThrow(/positive/);
  });
});
