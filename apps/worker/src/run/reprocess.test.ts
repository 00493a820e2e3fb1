import { describe, expect, it } from 'vitest';
import { parseStageVersion } from './reprocess.ts';

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
