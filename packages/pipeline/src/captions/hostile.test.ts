import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HOSTILE_INPUTS } from './hostile-inputs.ts';

const script = fileURLToPath(new URL('./hostile-inputs.ts', import.meta.url));
// Generous budget: a linear splitter needs well under a second per input; catastrophic backtracking needs hours.
const BUDGET_MS = 20_000;

describe('hostile captions finish within a budget (child process, killed on timeout)', () => {
  it.each(Object.keys(HOSTILE_INPUTS))('%s', (name) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, name], { timeout: BUDGET_MS, encoding: 'utf8' });
    expect(r.error?.message ?? '').toBe('');
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${name} \\d+\\n$`));
  });
});
