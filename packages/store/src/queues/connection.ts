import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';
import type { StoreSettings } from '../settings.ts';

/** A connection for BullMQ: one node (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES). */
export type RedisConnection = Redis | Cluster;

/** Where the queues live: the settings `createRedis` reads from a config. */
export type RedisTarget = Pick<StoreSettings, 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'QUEUE_PREFIX'>;

export interface ConnectionOptions {
  /**
   * Workers and in-worker producers wait through Redis restarts (null); a CLI producer fails fast (a number)
   * so the user sees the problem. @defaultValue null
   */
  maxRetriesPerRequest?: number | null;
  /** Connect on the first command instead of at once. @defaultValue false */
  lazyConnect?: boolean;
  /** Milliseconds a (re)connection attempt may take. @defaultValue ioredis' 10 s */
  connectTimeout?: number;
}

/** `host:port,host:port` (validated by settings.ts) as ioredis cluster seed nodes. */
export function parseClusterNodes(value: string): ClusterNode[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.lastIndexOf(':');
      return { host: entry.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(entry.slice(colon + 1)) };
    });
}

/**
 * True when the prefix holds a Redis Cluster hash tag (the first `{` and the next `}`, with something between):
 * then every key of every queue hashes to the same slot.
 */
export function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  if (open < 0) return false;
  const close = prefix.indexOf('}', open + 1);
  return close > open + 1;
}

function nodeOptions(options: ConnectionOptions): RedisOptions {
  return {
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? null : options.maxRetriesPerRequest,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(200 * times, 2000),
    reconnectOnError: (error) => /READONLY|LOADING/.test(error.message),
    ...(options.lazyConnect ? { lazyConnect: true } : {}),
    ...(options.connectTimeout ? { connectTimeout: options.connectTimeout } : {}),
  };
}

/** Username, password and TLS of REDIS_URL, applied to every cluster node. */
function credentialsOf(url: string): RedisOptions {
  try {
    const parsed = new URL(url);
    return {
      ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
      ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
      ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * The one place connections are made: an ioredis connection for BullMQ reconnecting with capped backoff, or,
 * when REDIS_CLUSTER_NODES is set in the given config, an ioredis Cluster over those seed nodes (slots
 * refreshed on MOVED and after failovers). A plain URL always gives a single-node connection.
 */
export function createRedis(url: string, options?: ConnectionOptions): Redis;
export function createRedis(target: RedisTarget, options?: ConnectionOptions): RedisConnection;
export function createRedis(target: string | RedisTarget, options: ConnectionOptions = {}): RedisConnection {
  if (typeof target === 'string') return new Redis(target, nodeOptions(options));
  if (target.REDIS_CLUSTER_NODES.trim() === '') return new Redis(target.REDIS_URL, nodeOptions(options));
  if (!hasHashTag(target.QUEUE_PREFIX)) {
    throw new Error(
      `QUEUE_PREFIX "${target.QUEUE_PREFIX}" has no {hash tag}; on a Redis Cluster every queue key must share one slot (flows span queues): use e.g. QUEUE_PREFIX={pmc}`,
    );
  }
  const { retryStrategy, ...perNode } = nodeOptions(options);
  return new Cluster(parseClusterNodes(target.REDIS_CLUSTER_NODES), {
    redisOptions: { ...perNode, ...credentialsOf(target.REDIS_URL) },
    clusterRetryStrategy: retryStrategy,
    enableReadyCheck: true,
    // Commands issued while the slot map is refreshed (a failover) wait instead of failing.
    enableOfflineQueue: true,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 200,
    slotsRefreshTimeout: 2000,
    ...(options.lazyConnect ? { lazyConnect: true } : {}),
  });
}

export interface RedisCheck {
  policy: string | null;
  warning: string | null;
}

/**
 * BullMQ loses jobs silently when Redis evicts keys. Returns a warning unless maxmemory-policy is noeviction
 * (managed Redis may forbid CONFIG; then the policy cannot be checked and we say so).
 */
export async function checkEvictionPolicy(redis: RedisConnection): Promise<RedisCheck> {
  try {
    const reply = await redis.config('GET', 'maxmemory-policy');
    const policy = reply[1] ?? null;
    if (policy === 'noeviction') return { policy, warning: null };
    return {
      policy,
      warning: `Redis maxmemory-policy is "${policy}"; jobs can be evicted and lost. Set it to noeviction: redis-cli CONFIG SET maxmemory-policy noeviction (and in redis.conf)`,
    };
  } catch (error) {
    return {
      policy: null,
      warning: `cannot read Redis maxmemory-policy (${(error as Error).message}); make sure it is noeviction or jobs may be lost`,
    };
  }
}
