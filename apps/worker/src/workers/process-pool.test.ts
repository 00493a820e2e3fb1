import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FixtureTask } from './process-pool.fixture.ts';
import { HEAP_FLAGS } from './heap-flags.ts';
import { ProcessPool } from './process-pool.ts';

const fixture = fileURLToPath(new URL('./process-pool.fixture.ts', import.meta.url));
type Result = { text: string; pid: number };
let pool: ProcessPool<FixtureTask, Result> | null = null;

afterEach(async () => {
  await pool?.close();
  pool = null;
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('ProcessPool', () => {
  it('runs tasks in child processes', async () => {
    pool = new ProcessPool<FixtureTask, Result>({ module: fixture, init: { greeting: 'hi' }, size: 2, timeoutMs: 10_000, name: 't' });
    await pool.ready();
    const results = await Promise.all(['a', 'b', 'c'].map((value) => pool!.run({ kind: 'echo', value })));
    expect(results.map((r) => r.text)).toEqual(['hi a', 'hi b', 'hi c']);
    expect(results.every((r) => r.pid !== process.pid)).toBe(true);
    expect(pool.peakRss).toBeGreaterThan(0);
  });

  it('starts its children with the heap flags (a larger initial heap: rare full collections while detecting)', async () => {
    pool = new ProcessPool<FixtureTask, Result>({ module: fixture, init: { greeting: 'hi' }, size: 1, timeoutMs: 10_000, name: 't' });
    const { text } = await pool.run({ kind: 'flags' });
    for (const flag of HEAP_FLAGS) expect(text.split(' ')).toContain(flag);
  });

  it('stops a task that never yields by killing its process, reports Timeout, and keeps serving on a new process', async () => {
    pool = new ProcessPool<FixtureTask, Result>({ module: fixture, init: { greeting: 'hi' }, size: 1, timeoutMs: 500, name: 't' });
    const before = await pool.run({ kind: 'echo', value: 'x' });
    await expect(pool.run({ kind: 'spin' })).rejects.toMatchObject({ errorClass: 'Timeout', kind: 'transient' });
    const after = await pool.run({ kind: 'echo', value: 'y' });
    expect(after.text).toBe('hi y');
    expect(after.pid).not.toBe(before.pid);
    expect(alive(before.pid)).toBe(false);
  });

  // Terminating a worker thread while onnxruntime runs aborted the whole process (exit 134, Napi::Error).
  it('times out native onnxruntime work without taking this process down', async () => {
    pool = new ProcessPool<FixtureTask, Result>({ module: fixture, init: { greeting: 'hi' }, size: 1, timeoutMs: 3000, name: 't' });
    await expect(pool.run({ kind: 'onnx' })).rejects.toMatchObject({ errorClass: 'Timeout' });
    expect((await pool.run({ kind: 'echo', value: 'z' })).text).toBe('hi z');
  });

  it('carries the error class and subject of a failure across the process boundary', async () => {
    pool = new ProcessPool<FixtureTask, Result>({ module: fixture, init: { greeting: 'hi' }, timeoutMs: 10_000, name: 't' });
    await expect(pool.run({ kind: 'fail', value: 'z' })).rejects.toMatchObject({ errorClass: 'CorruptImage', kind: 'permanent', subject: 'fig1', message: 'bad z' });
  });

  it('fails the task of a child that dies, and replaces the child', async () => {
    pool = new ProcessPool<FixtureTask, Result>({ module: fixture, init: { greeting: 'hi' }, timeoutMs: 10_000, name: 't' });
    await pool.ready();
    const [first] = pool.pids;
    const dying = pool.run({ kind: 'exit' });
    // Queued behind the task whose child dies: served by the replacement.
    const queued = pool.run({ kind: 'echo', value: 'queued' });
    await expect(dying).rejects.toMatchObject({ errorClass: 'Internal', kind: 'transient' });
    expect((await queued).pid).not.toBe(first);
    const after = await pool.run({ kind: 'echo', value: 'w' });
    expect(after.text).toBe('hi w');
    expect(after.pid).not.toBe(first);
    expect(alive(first!)).toBe(false);
  });

  it('kills a child that ignores SIGTERM within about a second of its timeout', async () => {
    pool = new ProcessPool<FixtureTask, Result>({ module: fixture, init: { greeting: 'hi' }, timeoutMs: 500, name: 't' });
    await pool.ready();
    const [first] = pool.pids;
    await expect(pool.run({ kind: 'stubborn' })).rejects.toMatchObject({ errorClass: 'Timeout' });
    const timedOut = Date.now();
    await vi.waitFor(() => expect(alive(first!)).toBe(false), { timeout: 3000, interval: 20 });
    expect(Date.now() - timedOut).toBeLessThan(2000);
    expect((await pool.run({ kind: 'echo', value: 'u' })).pid).not.toBe(first);
  });

  it('counts the timeout from when a child takes the task, not while it waits in the queue', async () => {
    pool = new ProcessPool<FixtureTask, Result>({ module: fixture, init: { greeting: 'hi' }, size: 1, timeoutMs: 1000, name: 't' });
    await pool.ready();
    const results = await Promise.all([1, 2, 3].map((n) => pool!.run({ kind: 'sleep', ms: 600, value: String(n) })));
    expect(results.map((r) => r.text)).toEqual(['hi 1', 'hi 2', 'hi 3']);
  });

  it('reports a handler that cannot be built from ready(), fails tasks as transient, and keeps trying fresh children', async () => {
    pool = new ProcessPool<FixtureTask, Result>({ module: fixture, init: { greeting: 'hi', failStart: true }, timeoutMs: 10_000, name: 't' });
    await expect(pool.ready()).rejects.toMatchObject({ errorClass: 'InvalidInput', message: 'no such model' });
    const [first] = pool.pids;
    await expect(pool.run({ kind: 'echo', value: 'a' })).rejects.toMatchObject({ errorClass: 'Internal', kind: 'transient', message: 't child could not start: no such model' });
    await vi.waitFor(() => expect(pool!.pids).not.toContain(first), { timeout: 5000, interval: 20 });
  });

  it('replaces a child killed before it was ready, after ready() has said so', async () => {
    pool = new ProcessPool<FixtureTask, Result>({ module: fixture, init: { greeting: 'hi' }, timeoutMs: 10_000, name: 't' });
    const [first] = pool.pids;
    const ready = pool.ready();
    process.kill(first!, 'SIGKILL');
    await expect(ready).rejects.toMatchObject({ errorClass: 'Internal', message: expect.stringMatching(/^t child (process exited unexpectedly|exited before it was ready)/) });
    const after = await pool.run({ kind: 'echo', value: 'r' });
    expect(after.text).toBe('hi r');
    expect(after.pid).not.toBe(first);
  });

  // Tinypool replaces a lost replacement only when a task arrives; the pool asks for one itself (after a delay).
  it('serves a task queued while a replacement child dies during its start, with no further task arriving', async () => {
    pool = new ProcessPool<FixtureTask, Result>({ module: fixture, init: { greeting: 'hi' }, timeoutMs: 10_000, name: 't' });
    await pool.ready();
    await expect(pool.run({ kind: 'exit' })).rejects.toMatchObject({ errorClass: 'Internal' });
    const [starting] = pool.pids;
    const queued = pool.run({ kind: 'echo', value: 'waited' });
    process.kill(starting!, 'SIGKILL');
    const served = await queued;
    expect(served.text).toBe('hi waited');
    expect(served.pid).not.toBe(starting);
  });

  it('close() rejects queued tasks and stops the children', async () => {
    pool = new ProcessPool<FixtureTask, Result>({ module: fixture, init: { greeting: 'hi' }, size: 1, timeoutMs: 10_000, name: 't' });
    await pool.ready();
    const pids = pool.pids;
    const tasks = Promise.allSettled([pool.run({ kind: 'sleep', ms: 5000 }), pool.run({ kind: 'echo', value: 'q' })]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await pool.close();
    const [running, queued] = await tasks;
    expect(running).toMatchObject({ status: 'rejected', reason: { errorClass: 'Internal', message: 't process pool closed' } });
    expect(queued).toMatchObject({ status: 'rejected', reason: { errorClass: 'Internal', message: 't process pool closed' } });
    expect(pids.some(alive)).toBe(false);
    await expect(pool.run({ kind: 'echo', value: 'x' })).rejects.toMatchObject({ message: 't process pool is closed' });
  });

  it.runIf(process.platform === 'linux')('kills a child that goes over its memory limit and reports MemoryLimitExceeded', async () => {
    pool = new ProcessPool<FixtureTask, Result>({ module: fixture, init: { greeting: 'hi' }, timeoutMs: 20_000, maxRssBytes: 400 * 2 ** 20, name: 't' });
    await expect(pool.run({ kind: 'alloc', mib: 600 })).rejects.toMatchObject({ errorClass: 'MemoryLimitExceeded', kind: 'transient' });
    expect((await pool.run({ kind: 'echo', value: 'v' })).text).toBe('hi v');
  });
});
