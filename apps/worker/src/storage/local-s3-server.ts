import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface LocalS3ServerOptions {
  /** Directory where s3rver keeps objects. */
  directory: string;
  /** @defaultValue 4568 */
  port?: number;
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /** Command line the server is started under, ending by exec'ing it (e.g. `ip netns exec NAME`). @defaultValue none */
  launcher?: string[];
}

export interface LocalS3Server {
  endpoint: string;
  stop(): Promise<void>;
}

export function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts s3rver (a real S3 HTTP server writing to disk) in a child process. It needs
 * --openssl-legacy-provider because it signs ListObjectsV2 continuation tokens with DES.
 */
export async function startLocalS3Server(options: LocalS3ServerOptions): Promise<LocalS3Server> {
  const port = options.port ?? 4568;
  const host = options.host ?? '127.0.0.1';
  mkdirSync(options.directory, { recursive: true });
  const require = createRequire(import.meta.url);
  const bin = path.join(path.dirname(require.resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const [command, ...launcherArgs] = [...(options.launcher ?? []), process.execPath];
  const child: ChildProcess = spawn(
    command,
    [...launcherArgs, '--openssl-legacy-provider', bin, '-d', options.directory, '-a', host, '-p', String(port), '-s'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const deadline = Date.now() + 15_000;
  while (!(await isPortOpen(port, host))) {
    if (child.exitCode !== null) throw new Error(`s3rver exited (${child.exitCode}): ${stderr.trim()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`s3rver did not open ${host}:${port} within 15 s: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    endpoint: `http://${host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
