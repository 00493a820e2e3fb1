import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { loadStoreSettings } from '../settings.ts';
import { createRedis, hasHashTag, parseClusterNodes } from './connection.ts';

describe('Redis connections', () => {
  it('parses REDIS_CLUSTER_NODES and refuses malformed lists at start-up', () => {
    expect(parseClusterNodes(' redis-0:6379, 10.0.0.2:7001,[::1]:7002 ')).toEqual([
      { host: 'redis-0', port: 6379 },
      { host: '10.0.0.2', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(loadStoreSettings({ REDIS_CLUSTER_NODES: 'a:1,b:2' }).REDIS_CLUSTER_NODES).toBe('a:1,b:2');
    expect(() => loadStoreSettings({ REDIS_CLUSTER_NODES: 'redis://a:1' })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(() => loadStoreSettings({ REDIS_CLUSTER_NODES: 'a' })).toThrow(/host:port/);
  });

  it('knows a hash tag when it sees one (the first { and the next }, not empty)', () => {
    expect(hasHashTag('{pmc}')).toBe(true);
    expect(hasHashTag('x{a{b}')).toBe(true);
    expect(hasHashTag('pmc')).toBe(false);
    expect(hasHashTag('{}pmc')).toBe(false);
    expect(hasHashTag('a}{b')).toBe(false);
  });

  it('gives a single node without cluster nodes, a Cluster with them, and refuses a prefix without a hash tag', () => {
    const single = createRedis(loadStoreSettings({}), { lazyConnect: true });
    expect(single).toBeInstanceOf(Redis);
    single.disconnect();
    const cluster = createRedis(loadStoreSettings({ REDIS_CLUSTER_NODES: '127.0.0.1:1,127.0.0.1:2' }), { lazyConnect: true });
    expect(cluster).toBeInstanceOf(Cluster);
    cluster.disconnect();
    expect(() => createRedis(loadStoreSettings({ REDIS_CLUSTER_NODES: '127.0.0.1:1', QUEUE_PREFIX: 'pmc' }))).toThrow(/hash tag/);
  });
});
