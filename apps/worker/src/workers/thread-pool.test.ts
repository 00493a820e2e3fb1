import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ThreadPool } from './thread-pool.ts';

const fixture = fileURLToPath(new URL('./thread-pool.fixture.ts', import.meta.url));
type Task = { kind: 'echo' | 'spin' | 'fail'; value?: string };
type Result = { text: string; threadId: number };
let pool: ThreadPool<Task, Result> | null = null;

afterEach(async () => {
  await pool?.close();
  pool = null;
});

describe('ThreadPool', () => {
  it('runs tasks in worker threads', async () => {
    pool = new ThreadPool<Task, Result>({ module: fixture, init: { greeting: 'hi' }, size: 2, timeoutMs: 10_000, name: 't' });
    const results = await Promise.all(['a', 'b', 'c'].map((value) => pool!.run({ kind: 'echo', value })));
    expect(results.map((r) => r.text)).toEqual(['hi a', 'hi b', 'hi c']);
    expect(results.every((r) => r.threadId > 0)).toBe(true);
  });

  it('stops a task that never yields by terminating its thread, reports Timeout, and keeps serving on a new thread', async () => {
    pool = new ThreadPool<Task, Result>({ module: fixture, init: { greeting: 'hi' }, size: 1, timeoutMs: 500, name: 't' });
    const before = await pool.run({ kind: 'echo', value: 'x' });
    await expect(pool.run({ kind: 'spin' })).rejects.toMatchObject({ errorClass: 'Timeout', kind: 'transient' });
    const after = await pool.run({ kind: 'echo', value: 'y' });
    expect(after.text).toBe('hi y');
    expect(after.threadId).not.toBe(before.threadId);
  });

  it('carries the error class and subject of a failure across the thread boundary', async () => {
    pool = new ThreadPool<Task, Result>({ module: fixture, init: { greeting: 'hi' }, timeoutMs: 10_000, name: 't' });
    await expect(pool.run({ kind: 'fail', value: 'z' })).rejects.toMatchObject({ errorClass: 'CorruptImage', kind: 'permanent', subject: 'fig1', message: 'bad z' });
  });
});
