import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPortOpen } from '../../../apps/worker/src/storage/local-s3-server.ts';

/** A private redis-server with append-only persistence, so a restart keeps the queues (never the shared one). */
export class PrivateRedis {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'pmc-redis-'));
  /** `extraArgs` go after the defaults and override them (e.g. `--cluster-enabled yes` for a cluster node). */
  constructor(
    readonly port: number,
    readonly extraArgs: string[] = [],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'yes', '--maxmemory-policy', 'noeviction', ...this.extraArgs],
      { stdio: 'ignore' },
    );
    await new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 10_000;
    while (!(await isPortOpen(this.port))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start on ${this.port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SHUTDOWN flushes the append-only file; the data is back after start(). */
  async stop(): Promise<void> {
    try {
      execFileSync('redis-cli', ['-p', String(this.port), 'shutdown'], { stdio: 'ignore' });
    } catch {
      // redis-cli reports the dropped connection as an error
    }
    const deadline = Date.now() + 10_000;
    while (await isPortOpen(this.port)) {
      if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not stop`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async destroy(): Promise<void> {
    if (await isPortOpen(this.port)) await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
