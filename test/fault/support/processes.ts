import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../../apps/worker/src/config.ts';
import { configToEnv } from '../../../apps/worker/src/workers/config-env.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CURATOR = path.join(ROOT, 'apps/worker/bin/curator.js');
export const SLOW_DETECTOR = path.join(ROOT, 'test/fault/support/slow-detector.ts');

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * Starts `curator worker` as a separate process and resolves once it reports that it is taking jobs. `launcher` is
 * a command line it is started under that ends by exec'ing it (e.g. `['ip', 'netns', 'exec', 'ns1']`), so the
 * child's pid is still the worker's.
 */
export async function spawnWorker(config: Config, args: string[], env: Record<string, string> = {}, launcher: string[] = []): Promise<WorkerProcess> {
  const [command, ...launcherArgs] = [...launcher, process.execPath];
  const child = spawn(command, [...launcherArgs, CURATOR, 'worker', ...args], {
    env: { ...process.env, ...configToEnv(config), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!/ on .*SIGTERM to stop/.test(output)) {
    if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}) before it started:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`worker did not start within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => output, exited };
}

export async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000, pollMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
