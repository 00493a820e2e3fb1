import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The newest /usr/lib/postgresql/<version>/bin that has initdb and pg_ctl (Debian's layout), or null. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((version) => existsSync(path.join(root, version, 'bin', 'initdb')) && existsSync(path.join(root, version, 'bin', 'pg_ctl')));
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest ? path.join(root, newest, 'bin') : null;
}

export interface PrivatePostgresOptions {
  /** listen_addresses. @defaultValue '127.0.0.1' */
  host?: string;
  /** @defaultValue 5432 */
  port?: number;
  /** Command line the server is started under, e.g. `['ip', 'netns', 'exec', 'ns1']`. */
  launcher?: string[];
}

/**
 * A private PostgreSQL cluster in a temporary directory (initdb + pg_ctl, trust authentication, user postgres,
 * durability off: fsync, synchronous_commit and full_page_writes), never the machine's own. Run as root, the
 * server runs as the `postgres` user (runuser), as PostgreSQL refuses to run as root.
 */
export class PrivatePostgres {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'pmc-postgres-'));
  readonly host: string;
  readonly port: number;
  private readonly launcher: string[];
  private readonly bin: string;
  private started = false;

  constructor(options: PrivatePostgresOptions = {}) {
    const bin = postgresBinDir();
    if (!bin) throw new Error('no initdb/pg_ctl under /usr/lib/postgresql/*/bin');
    this.bin = bin;
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 5432;
    this.launcher = options.launcher ?? [];
  }

  private get data(): string {
    return path.join(this.dir, 'data');
  }

  /** Runs a PostgreSQL program as the postgres user when this process is root. */
  private asPostgres(program: string, args: string[]): [string, string[]] {
    const command = [...this.launcher, ...(process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : []), path.join(this.bin, program), ...args];
    return [command[0]!, command.slice(1)];
  }

  /** The URL of database `name` on this server. */
  url(name: string): string {
    return `postgresql://postgres@${this.host}:${this.port}/${name}`;
  }

  async start(): Promise<void> {
    if (process.getuid?.() === 0) chownSync(this.dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
    await run(...this.asPostgres('initdb', ['-D', this.data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--no-instructions']), { timeout: 60_000 });
    // initdb trusts loopback only; this server listens on one address of a test's own, so trust any client.
    appendFileSync(path.join(this.data, 'pg_hba.conf'), 'host all all 0.0.0.0/0 trust\n');
    const settings = [
      `-c listen_addresses=${this.host}`,
      `-p ${this.port}`,
      `-k ${this.dir}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    await run(...this.asPostgres('pg_ctl', ['-D', this.data, '-l', path.join(this.dir, 'server.log'), '-o', settings, '-w', '-t', '60', 'start']), { timeout: 90_000 });
    this.started = true;
  }

  /** Stops the server at once (SIGQUIT to the postmaster), synchronously: usable from an exit handler. */
  stopNow(): void {
    if (!this.started) return;
    this.started = false;
    try {
      const [command, args] = this.asPostgres('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', '-t', '30', 'stop']);
      execFileSync(command, args, { stdio: 'ignore', timeout: 40_000 });
    } catch {
      // not running
    }
  }

  destroy(): void {
    this.stopNow();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
