import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Queue } from 'bullmq';
import type { Express } from 'express';
import { pino, type Logger } from 'pino';
import { createDb, type Db } from '@pmc-curator/store/db';
import { createRedis, type RedisConnection } from '@pmc-curator/store/queues';
import { S3ObjectStore, curatedS3Client } from '@pmc-curator/store/storage';
import { assertSafeBinding, authFromConfig } from './auth.ts';
import type { DashboardConfig } from './config.ts';
import { prismaData } from './data/index.ts';
import type { DashboardDeps } from './handlers/types.ts';
import { DashboardMetrics } from './metrics.ts';
import { HostAllowList } from './security.ts';
import { createExpressApp } from './server.ts';

interface DashboardOptions {
  config: DashboardConfig;
  /** BullMQ queues to show (bull-board at /queues, counts on / and /metrics). The caller owns and closes them. */
  queues?: Queue[];
  /** An existing Prisma client to use (else one is made from DATABASE_URL and closed with the dashboard). */
  db?: Db;
  /** An existing curated-bucket store (else one is made from the S3_* settings). */
  store?: DashboardDeps['objects'];
  /** Called with unexpected handler errors. @defaultValue an error entry on `logger` with the request path */
  onError?: (error: unknown, request: { path: string }) => void;
  /** Where the default onError logs (the worker passes its own, with its LOG_LEVEL/LOG_FORMAT). @defaultValue pino JSON on stderr, `component: dashboard` */
  logger?: Logger;
}

interface DashboardApp {
  app: Express;
  /**
   * Tells the app where it listens, for the default Host allow-list (the bound address, localhost, 127.0.0.1
   * and [::1] on the bound port). Until then the defaults allow those names on any port.
   */
  bound(address: { host: string; port: number }): void;
  close(): Promise<void>;
}

/** A Redis connection of its own for /healthz, opened on first use. */
function redisPinger(options: DashboardOptions): { ping(): Promise<void>; close(): Promise<void> } {
  let redis: RedisConnection | null = null;
  return {
    ping: async () => {
      if (!redis) {
        redis = createRedis(options.config, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
        // Connection errors surface through the failing ping (and /healthz), not as unhandled events.
        redis.on('error', () => {});
      }
      await redis.ping();
    },
    close: async () => {
      if (redis) redis.disconnect();
    },
  };
}

/** Unexpected handler errors as structured entries (pino's `err` serializer keeps the type, message and stack). */
function logErrors(logger: Logger): NonNullable<DashboardOptions['onError']> {
  return (error, request) => {
    const err = error instanceof Error ? error : new Error(String(error));
    logger.error({ err, path: request.path }, `dashboard: ${request.path}: ${err.message}`);
  };
}

/** The express app with every route, wired to Postgres, S3 and the given queues (no listening socket). */
function createDashboardApp(options: DashboardOptions): DashboardApp {
  const { config } = options;
  const auth = authFromConfig(config);
  const db = options.db ?? createDb(config.DATABASE_URL);
  const s3 = options.store
    ? null
    : curatedS3Client(config);
  const objects = options.store ?? new S3ObjectStore(s3!, config.S3_BUCKET);
  const redis = redisPinger(options);
  const queues = options.queues ?? [];
  let allowedHosts = HostAllowList.fromConfig(config.DASHBOARD_ALLOWED_HOSTS, { host: config.DASHBOARD_HOST, port: 0 });
  const app = createExpressApp({
    deps: { data: prismaData(db), objects, queues, pingRedis: () => redis.ping(), metrics: new DashboardMetrics() },
    auth,
    bullQueues: queues,
    allowedHosts: () => allowedHosts,
    readOnly: config.DASHBOARD_READ_ONLY,
    onError: options.onError ?? logErrors(options.logger ?? pino({ base: { component: 'dashboard' } }, pino.destination({ fd: 2, sync: true }))),
  });
  return {
    app,
    bound: (address) => {
      allowedHosts = HostAllowList.fromConfig(config.DASHBOARD_ALLOWED_HOSTS, address);
    },
    close: async () => {
      await redis.close();
      s3?.destroy();
      if (!options.db) await db.$disconnect();
    },
  };
}

export interface StartDashboardOptions extends DashboardOptions {
  /** @defaultValue config.DASHBOARD_PORT (0 = any free port) */
  port?: number;
  /** @defaultValue config.DASHBOARD_HOST */
  host?: string;
}

export interface RunningDashboard {
  url: string;
  close(): Promise<void>;
}

/** Starts the dashboard. Without DASHBOARD_USER/DASHBOARD_PASSWORD it refuses any non-loopback host. */
export async function startDashboard(options: StartDashboardOptions): Promise<RunningDashboard> {
  const host = options.host ?? options.config.DASHBOARD_HOST;
  const port = options.port ?? options.config.DASHBOARD_PORT;
  assertSafeBinding(host, authFromConfig(options.config));
  const dashboard = createDashboardApp(options);
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = dashboard.app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(listening)));
    listening.once('error', reject);
  }).catch(async (error: Error) => {
    await dashboard.close();
    throw new Error(`dashboard cannot listen on ${host}:${port} (${error.message})`);
  });
  const address = server.address() as AddressInfo;
  dashboard.bound({ host, port: address.port });
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await dashboard.close();
    },
  };
}
