import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The real CLI, as a user runs it: a bad number is refused before anything connects (no servers needed).
const BIN = fileURLToPath(new URL('../../bin/curator.js', import.meta.url));

function curator(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' } });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('numeric flags through the CLI', () => {
  it.each([
    [['status', '--window', 'x'], 'curator: --window takes an integer ≥ 1 (minutes), not "x"'],
    [['enqueue', '--source', 'dir', '--location', '.', '--limit', '0'], 'curator: --limit takes an integer ≥ 1, not "0"'],
    [['gc', '--older-than', 'soon'], 'curator: --older-than takes a number ≥ 0 (minutes), not "soon"'],
    [['dashboard', '--port', '99999'], 'curator: --port takes an integer from 0 to 65535, not "99999"'],
    [['export', '--run', 'latest', '--format', 'jsonl', '--out', 'x', '--shard-size', '1e3'], '--shard-size: takes an integer ≥ 1'],
  ])('curator %j exits 1 with a message, no stack trace', (args, message) => {
    const { status, stderr } = curator(...args);
    expect(status).toBe(1);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
