import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPortOpen } from '../../../apps/worker/src/storage/local-s3-server.ts';

export interface PrivateRedisPlacement {
  /** Address it binds and is reached at. @defaultValue '127.0.0.1' */
  host?: string;
  /** Command line it is started under, e.g. `['ip', 'netns', 'exec', 'ns1']` to run it in a network namespace. */
  launcher?: string[];
}

/** A private redis-server with append-only persistence, so a restart keeps the queues (never the shared one). */
export class PrivateRedis {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'pmc-redis-'));
  readonly host: string;
  private readonly launcher: string[];
  /** `extraArgs` go after the defaults and override them (e.g. `--cluster-enabled yes` for a cluster node). */
  constructor(
    readonly port: number,
    readonly extraArgs: string[] = [],
    placement: PrivateRedisPlacement = {},
  ) {
    this.host = placement.host ?? '127.0.0.1';
    this.launcher = placement.launcher ?? [];
  }

  get url(): string {
    return `redis://${this.host}:${this.port}`;
  }

  /** The daemon's pid file (in its directory), for a last-resort kill. */
  get pidFile(): string {
    return path.join(this.dir, 'redis.pid');
  }

  async start(): Promise<void> {
    const [command, ...launcherArgs] = [...this.launcher, 'redis-server'];
    const child = spawn(
      command,
      [...launcherArgs, '--port', String(this.port), '--bind', this.host, '--dir', this.dir, '--pidfile', this.pidFile, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'yes', '--maxmemory-policy', 'noeviction', ...this.extraArgs],
      { stdio: 'ignore' },
    );
    await new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 10_000;
    while (!(await isPortOpen(this.port, this.host))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start on ${this.host}:${this.port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SHUTDOWN flushes the append-only file; the data is back after start(). */
  async stop(): Promise<void> {
    try {
      execFileSync('redis-cli', ['-h', this.host, '-p', String(this.port), 'shutdown'], { stdio: 'ignore' });
    } catch {
      // redis-cli reports the dropped connection as an error
    }
    const deadline = Date.now() + 10_000;
    while (await isPortOpen(this.port, this.host)) {
      if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not stop`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async destroy(): Promise<void> {
    if (await isPortOpen(this.port, this.host)) await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
