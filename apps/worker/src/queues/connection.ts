import { Redis, type RedisOptions } from 'ioredis';

export interface ConnectionOptions {
  /**
   * Workers and in-worker producers wait through Redis restarts (null); a CLI producer fails fast (a number)
   * so the user sees the problem. @defaultValue null
   */
  maxRetriesPerRequest?: number | null;
}

/** One ioredis connection for BullMQ, reconnecting with capped backoff. */
export function createRedis(url: string, options: ConnectionOptions = {}): Redis {
  const redisOptions: RedisOptions = {
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? null : options.maxRetriesPerRequest,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(200 * times, 2000),
    reconnectOnError: (error) => /READONLY|LOADING/.test(error.message),
  };
  return new Redis(url, redisOptions);
}

export interface RedisCheck {
  policy: string | null;
  warning: string | null;
}

/**
 * BullMQ loses jobs silently when Redis evicts keys. Returns a warning unless maxmemory-policy is noeviction
 * (managed Redis may forbid CONFIG; then the policy cannot be checked and we say so).
 */
export async function checkEvictionPolicy(redis: Redis): Promise<RedisCheck> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
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
