import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTOR } from '@pmc-curator/pipeline/detect';
import { configSchema, loadConfig } from './config.ts';

const README = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../README.md'), 'utf8');

describe('configuration', () => {
  it('documents every setting in the README configuration table', () => {
    const undocumented = Object.keys(configSchema.shape).filter((name) => ![`| \`${name}\``, `, \`${name}\``, `/ \`${name}\``].some((cell) => README.includes(cell)));
    expect(undocumented).toEqual([]);
  });

  it('refuses a bad value with the setting named', () => {
    expect(() => loadConfig({ JOB_ATTEMPTS: 'many' })).toThrow(/JOB_ATTEMPTS/);
  });

  it('runs the detect stage with the detector the CLI and evaluations use when none is named', () => {
    expect(loadConfig({}).DETECTOR).toBe(DEFAULT_DETECTOR);
  });
});
