import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { PrivateRedis } from './redis-server.ts';

const run = promisify(execFile);

/** redis-cli against one node; returns stdout. */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), ...args], { timeout: 30_000 });
  return stdout;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `count` consecutive loopback ports that are free, each with its cluster bus port (port + 10000) free too. */
export async function freeClusterPorts(count: number): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 9_000);
    const ports = Array.from({ length: count }, (_, index) => base + index);
    const free = await Promise.all(ports.flatMap((port) => [portFree(port), portFree(port + 10_000)]));
    if (free.every(Boolean)) return ports;
  }
  throw new Error('no free loopback ports for a Redis Cluster');
}

export interface SlotOwner {
  master: number;
  replicas: number[];
}

/**
 * A real Redis Cluster of private redis-server processes on loopback (3 masters + 3 replicas by default), each
 * in its own temporary directory; destroy() stops them and removes the directories.
 */
export class PrivateRedisCluster {
  readonly nodes: PrivateRedis[];

  private constructor(readonly ports: number[]) {
    this.nodes = ports.map(
      (port) =>
        new PrivateRedis(port, [
          '--cluster-enabled', 'yes',
          '--cluster-config-file', `nodes-${port}.conf`,
          '--cluster-node-timeout', '3000',
          '--appendfsync', 'everysec',
        ]),
    );
  }

  /** Starts 2 × masters nodes and joins them with `redis-cli --cluster create --cluster-replicas 1`. */
  static async start(masters = 3): Promise<PrivateRedisCluster> {
    const cluster = new PrivateRedisCluster(await freeClusterPorts(masters * 2));
    try {
      await Promise.all(cluster.nodes.map((node) => node.start()));
      await run('redis-cli', ['--cluster', 'create', ...cluster.ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '1', '--cluster-yes'], { timeout: 60_000 });
      await cluster.waitUntilOk();
      await cluster.waitUntilReplicated();
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  /** `host:port,...` for REDIS_CLUSTER_NODES. */
  get seedNodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  /** Until every node reports cluster_state:ok and agrees on all 16384 slots being assigned. */
  async waitUntilOk(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const infos = await Promise.all(this.ports.map((port) => redisCli(port, 'cluster', 'info').catch(() => '')));
      if (infos.every((info) => /cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info))) return;
      if (Date.now() > deadline) throw new Error(`Redis Cluster not ok after ${timeoutMs} ms:\n${infos.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /**
   * Until every node lists one replica per master (the replicas' flags reach the other nodes by gossip, after
   * cluster_state is already ok) and every replica's link to its master is up, so that a test that reads the
   * topology or fails a master over finds the replicas there.
   */
  async waitUntilReplicated(timeoutMs = 30_000): Promise<void> {
    const replicas = this.ports.length / 2;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const views = await Promise.all(this.ports.map((port) => redisCli(port, 'cluster', 'nodes').catch(() => '')));
      const seen = views.every((view) => view.trim().split('\n').filter((line) => {
        const [, , flags, masterId] = line.split(' ');
        return !!flags?.includes('slave') && !!masterId && masterId !== '-';
      }).length === replicas);
      const links = await Promise.all(this.ports.map((port) => redisCli(port, 'info', 'replication').catch(() => '')));
      const linked = links.filter((info) => /role:slave/.test(info));
      if (seen && linked.length === replicas && linked.every((info) => /master_link_status:up/.test(info))) return;
      if (Date.now() > deadline) throw new Error(`Redis Cluster replicas not attached after ${timeoutMs} ms:\n${views.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** The master and replicas serving the slot of a key or `{hash tag}`, as the cluster itself reports them. */
  async ownerOf(key: string): Promise<SlotOwner> {
    const slot = Number((await redisCli(this.ports[0]!, 'cluster', 'keyslot', key)).trim());
    const nodes = (await redisCli(this.ports[0]!, 'cluster', 'nodes')).trim().split('\n').map((line) => line.split(' '));
    const portOf = (address: string) => Number(address.split('@')[0]!.split(':').at(-1));
    const master = nodes.find(
      ([, , flags, , , , , , ...ranges]) =>
        flags!.includes('master') &&
        ranges.some((range) => {
          const [start, end = start] = range.split('-').map(Number);
          return slot >= start! && slot <= end!;
        }),
    );
    if (!master) throw new Error(`no master serves slot ${slot}`);
    const replicas = nodes.filter(([, , flags, masterId]) => flags!.includes('slave') && masterId === master[0]).map((fields) => portOf(fields[1]!));
    return { master: portOf(master[1]!), replicas };
  }

  /** A manual failover (`CLUSTER FAILOVER` on the replica); resolves once the replica has become the master. */
  async failover(replicaPort: number, timeoutMs = 30_000): Promise<void> {
    const reply = (await redisCli(replicaPort, 'cluster', 'failover')).trim();
    if (reply !== 'OK') throw new Error(`CLUSTER FAILOVER on ${replicaPort}: ${reply}`);
    const deadline = Date.now() + timeoutMs;
    while (!/role:master/.test(await redisCli(replicaPort, 'info', 'replication'))) {
      if (Date.now() > deadline) throw new Error(`replica ${replicaPort} did not take over within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await this.waitUntilOk();
  }

  async destroy(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.destroy().catch(() => {})));
  }
}
