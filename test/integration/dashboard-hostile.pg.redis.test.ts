import { appRoutes } from '@bull-board/api/dist/routes.js';
import { Queue } from 'bullmq';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../../apps/dashboard/src/index.ts';
import { routes } from '../../apps/dashboard/src/routes.ts';
import { rawRequest, STACK_LEAK, type RawResponse } from '../../apps/dashboard/src/testing/raw-http.ts';
import type { Config } from '../../apps/worker/src/config.ts';
import type { Db } from '../../packages/store/src/db/client.ts';
import { HostileReport } from '../report/hostile-report.ts';
import { resetDatabase, testConfig, testDb, testStore } from '../support/servers.ts';

/**
 * The dashboard under attack, over real Postgres, s3rver and Redis: cross-site requests against every mutation
 * (ours from the route table, bull-board's from its own route list), DNS rebinding, missing headers, malformed
 * URLs, read-only mode. Each outcome goes to .tmp/hostile-report/dashboard.json (test/report/hostile-table.ts).
 */
const EVIL = 'http://evil.example';
const report = new HostileReport('dashboard.json', 'dashboard');

let config: Config;
let db: Db;
let queues: Queue[];
let dashboard: RunningDashboard;
let readOnly: RunningDashboard;

interface Mutation {
  method: string;
  /** Path under the app, params filled in. */
  path: string;
  body?: string;
}

/** bull-board's mutation routes (every non-GET in its own route table), aimed at the scratch queue `align`. */
function bullBoardMutations(queueName: string): Mutation[] {
  const fill = (route: string) =>
    route
      .replace(':queueName', queueName)
      .replace(':jobId', 'no-such-job')
      .replace(':queueStatus', route.includes('/retry/') ? 'failed' : 'completed')
      .replace(':schedulerId', 'no-such-scheduler');
  return appRoutes.api.flatMap((route) =>
    (Array.isArray(route.method) ? route.method : [route.method])
      .filter((method) => method !== 'get')
      .flatMap((method) => (Array.isArray(route.route) ? route.route : [route.route]).map((path) => ({ method: method.toUpperCase(), path: `/queues${fill(path)}`, body: '{}' }))),
  );
}

/** Our own mutation routes (none today: every route in the table is a GET; a new one is covered here). */
function ourMutations(): Mutation[] {
  return routes.filter((route) => route.method !== 'get').map((route) => ({ method: route.method.toUpperCase(), path: route.path.replace(/:(\w+)|\*(\w+)/g, 'x') }));
}

const crossSite = { origin: EVIL, 'content-type': 'text/plain' };
const sameOrigin = () => ({ origin: dashboard.url, 'content-type': 'application/json' });

async function send(base: string, mutation: Mutation, headers: Record<string, string>): Promise<RawResponse> {
  return rawRequest(base, { method: mutation.method, path: mutation.path, headers, ...(mutation.body !== undefined ? { body: mutation.body } : {}) });
}

const ingest = () => queues[0]!;

beforeAll(async () => {
  const prefix = `{dash-hostile-${Math.random().toString(36).slice(2, 8)}}`;
  config = testConfig({ QUEUE_PREFIX: prefix });
  db = testDb(config);
  await resetDatabase(db);
  const store = await testStore(config);
  queues = ['ingest', 'detect', 'align'].map((name) => new Queue(name, { connection: { url: config.REDIS_URL }, prefix }));
  dashboard = await startDashboard({ config, queues, db, store, port: 0, host: '127.0.0.1', onError: () => {} });
  readOnly = await startDashboard({ config: { ...config, DASHBOARD_READ_ONLY: true }, queues, db, store, port: 0, host: '127.0.0.1', onError: () => {} });
});

afterAll(async () => {
  await dashboard?.close();
  await readOnly?.close();
  for (const queue of queues ?? []) {
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
  }
  await db?.$disconnect();
  if (report.size > 0) report.write();
});

describe('dashboard under hostile requests', () => {
  it('refuses the observed CSRF: a text/plain POST from another origin creates no job', async () => {
    const before = await ingest().count();
    const attack = await rawRequest(dashboard.url, {
      method: 'POST',
      path: '/queues/api/queues/ingest/add',
      headers: { origin: EVIL, 'content-type': 'text/plain' },
      body: JSON.stringify({ name: 'csrf', data: {} }),
    });
    expect(attack.status).toBe(403);
    expect(await ingest().count()).toBe(before);
    report.add('POST /queues/api/queues/ingest/add, Origin: http://evil.example, Content-Type: text/plain (CSRF)', `${attack.status}, no job created`);

    const variants: Array<[string, Record<string, string>]> = [
      ['no Origin, Referer: http://evil.example/page', { referer: `${EVIL}/page`, 'content-type': 'application/json' }],
      ['neither Origin nor Referer', { 'content-type': 'application/json' }],
      ['Origin: null (sandboxed frame)', { origin: 'null', 'content-type': 'application/json' }],
      ['Origin: http://127.0.0.1:PORT.evil.example', { origin: `${dashboard.url}.evil.example`, 'content-type': 'application/json' }],
      ['same Origin, Content-Type: application/x-www-form-urlencoded (form post)', { origin: dashboard.url, 'content-type': 'application/x-www-form-urlencoded' }],
      ['same Origin, Content-Type: text/plain', { origin: dashboard.url, 'content-type': 'text/plain' }],
      ['same Origin, Sec-Fetch-Site: cross-site', { origin: dashboard.url, 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' }],
    ];
    for (const [label, headers] of variants) {
      const response = await rawRequest(dashboard.url, { method: 'POST', path: '/queues/api/queues/ingest/add', headers, body: JSON.stringify({ name: 'csrf', data: {} }) });
      expect(response.status, label).toBe(403);
      report.add(`POST /queues/api/queues/ingest/add, ${label}`, `${response.status}, no job created`);
    }
    expect(await ingest().count()).toBe(before);

    // bull-board's own UI: axios, JSON, from its page.
    const ui = await rawRequest(dashboard.url, { method: 'POST', path: '/queues/api/queues/ingest/add', headers: sameOrigin(), body: JSON.stringify({ name: 'ui', data: { from: 'ui' } }) });
    expect(ui.status).toBe(200);
    expect(await ingest().count()).toBe(before + 1);
    report.add('POST /queues/api/queues/ingest/add from the dashboard origin, JSON (bull-board UI)', `${ui.status}, job created`);
  });

  it('refuses every mutation route from another origin (403) and lets the same origin through', async () => {
    const mutations = [...ourMutations(), ...bullBoardMutations('align')];
    expect(mutations.length).toBeGreaterThanOrEqual(20);
    // Our paths with a mutation method: no such route, but the guard answers first.
    const ourPaths = routes.map((route) => ({ method: 'POST', path: route.path.replace(/:(\w+)|\*(\w+)/g, 'x') }));
    for (const mutation of [...mutations, ...ourPaths]) {
      const response = await send(dashboard.url, mutation, crossSite);
      expect(response.status, `${mutation.method} ${mutation.path}`).toBe(403);
    }
    report.add(`each of ${mutations.length} mutation routes (bull-board's non-GET routes + ours) and POST on each of our ${ourPaths.length} paths, Origin: http://evil.example`, 'all 403');
    const seen = new Map<number, number>();
    for (const mutation of mutations) {
      const response = await send(dashboard.url, mutation, sameOrigin());
      expect([403, 405, 421], `${mutation.method} ${mutation.path}`).not.toContain(response.status);
      expect(response.text, mutation.path).not.toMatch(STACK_LEAK);
      seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
    }
    const statuses = [...seen].sort(([a], [b]) => a - b).map(([status, count]) => `${count}× ${status}`).join(', ');
    report.add(`the same ${mutations.length} routes from the dashboard origin (JSON)`, `reach bull-board: ${statuses} (404/400: no such job/scheduler or body)`);
    for (const mutation of ourPaths) expect((await send(dashboard.url, mutation, sameOrigin())).status).toBe(404);
  });

  it('refuses a rebound Host (DNS rebinding) with 421: the queue stays running', async () => {
    const port = new URL(dashboard.url).port;
    const pause = await rawRequest(dashboard.url, { method: 'PUT', path: '/queues/api/queues/ingest/pause', headers: { host: `evil.example:${port}`, origin: `http://evil.example:${port}` } });
    expect(pause.status).toBe(421);
    expect(await ingest().isPaused()).toBe(false);
    report.add('PUT /queues/api/queues/ingest/pause, Host: evil.example:PORT (DNS rebinding, no credentials on loopback)', `${pause.status}, queue not paused`);
    for (const path of ['/', '/api/failures', '/queues/api/queues', '/healthz']) {
      const read = await rawRequest(dashboard.url, { path, headers: { host: `evil.example:${port}` } });
      expect(read.status, path).toBe(421);
    }
    report.add('GET /, /api/failures, /queues/api/queues, /healthz with Host: evil.example:PORT', '421');
    const otherPort = await rawRequest(dashboard.url, { path: '/', headers: { host: '127.0.0.1:1' } });
    expect(otherPort.status).toBe(421);
    report.add('GET / with Host: 127.0.0.1:1 (a port the dashboard is not on)', `${otherPort.status}`);
    const same = await rawRequest(dashboard.url, { method: 'PUT', path: '/queues/api/queues/ingest/pause', headers: { origin: dashboard.url } });
    expect(same.status).toBe(200);
    expect(await ingest().isPaused()).toBe(true);
    await rawRequest(dashboard.url, { method: 'PUT', path: '/queues/api/queues/ingest/resume', headers: { origin: dashboard.url } });
    expect(await ingest().isPaused()).toBe(false);
    report.add('PUT /queues/api/queues/ingest/pause from the dashboard origin (bull-board UI, bodiless PUT)', `${same.status}, paused (then resumed)`);
  });

  it('sends CSP, frame protection, nosniff and Referrer-Policy on every route, and no X-Powered-By', async () => {
    const paths = ['/', '/failures', '/api/overview', '/metrics', '/healthz', '/queues', '/queues/', '/queues/api/queues', '/queues/static/favicon-32x32.png', '/no-such-page'];
    for (const path of paths) {
      const response = await rawRequest(dashboard.url, { path });
      expect(response.headers['content-security-policy'], path).toMatch(/frame-ancestors 'none'/);
      expect(response.headers['x-frame-options'], path).toBe('DENY');
      expect(response.headers['x-content-type-options'], path).toBe('nosniff');
      expect(response.headers['referrer-policy'], path).toBe('same-origin');
      expect(response.headers['x-powered-by'], path).toBeUndefined();
    }
    const board = await rawRequest(dashboard.url, { path: '/queues/' });
    expect(board.status).toBe(200);
    report.add(`GET ${paths.join(', ')}`, "CSP (frame-ancestors 'none'), X-Frame-Options DENY, nosniff, Referrer-Policy same-origin, no X-Powered-By");
    report.add('GET /queues/ (bull-board UI)', `CSP ${String(board.headers['content-security-policy']).split(';')[1]!.trim()}: no inline or eval script; every <script> is a static file or JSON data`);
  });

  it('answers malformed URLs with a short 4xx, never a stack or a 5xx (real Postgres behind)', async () => {
    const exact = ['/articles/%E0%A4%A', '/articles/%00', '/api/runs/%00', '/failures?since=999999d'];
    const more = ['/api/articles/%00', '/runs/%E0%A4%A', '/api/failures?since=0001-01-01', '/api/failures?since=99999-01-01', '/api/failures?page=1e400', '/api/pairs?minConfidence=NaN', '/objects/%2e%2e/%2e%2e/etc/passwd', '/queues/api/queues/%E0%A4%A/pause', `/articles/${'a'.repeat(2000)}`, '/api/failures?stage=ingest&stage=ingest', '/api/runs/%C0%AF'];
    for (const path of [...exact, ...more]) {
      const response = await rawRequest(dashboard.url, { path });
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
      expect(response.text, path).not.toMatch(STACK_LEAK);
      report.add(`GET ${path.length > 60 ? `${path.slice(0, 40)}… (${path.length} chars)` : path}`, `${response.status}, no stack`);
    }
    const broken = await rawRequest(dashboard.url, { method: 'POST', path: '/queues/api/queues/ingest/add', headers: sameOrigin(), body: '{"name":' });
    expect(broken.status).toBe(400);
    expect(broken.text).not.toMatch(STACK_LEAK);
    report.add('POST /queues/api/queues/ingest/add, same origin, truncated JSON body', `${broken.status}, no stack, no parser message`);
  });

  it('never answers 5xx or a stack for random path segments and query strings', async () => {
    const prefixes = ['/', '/runs/', '/failures', '/articles/', '/pairs', '/api/runs/', '/api/failures', '/api/articles/', '/api/pairs', '/objects/', '/queues/api/queues/'];
    const segment = fc.oneof(
      fc.string({ maxLength: 10 }).map(encodeURIComponent),
      fc.constantFrom('%', '%E0%A4%A', '%00', '%2e%2e', '%FF', '%C0%AF', '999999d', '0001-01-01', '-1', '1e400'),
      fc.uint8Array({ maxLength: 6 }).map((bytes) => [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')),
    );
    const query = fc.array(fc.tuple(fc.constantFrom('since', 'page', 'pageSize', 'stage', 'errorClass', 'resolved', 'run', 'method', 'minConfidence', 'x'), segment), { maxLength: 3 });
    let runs = 0;
    let worst = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...prefixes), fc.array(segment, { minLength: 1, maxLength: 2 }), query, async (prefix, segments, pairs) => {
        const path = `${prefix}${segments.join('/')}${pairs.length ? `?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}` : ''}`.replace(/[^\x21-\x7e]/g, encodeURIComponent);
        const response = await rawRequest(dashboard.url, { path });
        runs += 1;
        worst = Math.max(worst, response.status);
        expect(response.status, path).toBeLessThan(500);
        expect(response.text, path).not.toMatch(STACK_LEAK);
      }),
      { numRuns: 150 },
    );
    report.add(`${runs} random paths (percent-encoded bytes, NUL, bad UTF-8, dates) × query strings (fast-check)`, `none 5xx (highest status ${worst}), no stack`);
  });

  it('read-only mode: bull-board shows its queues read-only and every mutation is refused (405)', async () => {
    const api = await rawRequest(readOnly.url, { path: '/queues/api/queues' });
    expect(api.status).toBe(200);
    const shown = (JSON.parse(api.text) as { queues: Array<{ name: string; readOnlyMode: boolean }> }).queues;
    expect(shown.map((queue) => [queue.name, queue.readOnlyMode]).sort()).toEqual([
      ['align', true],
      ['detect', true],
      ['ingest', true],
    ]);
    const before = await ingest().count();
    const mutations = [...ourMutations(), ...bullBoardMutations('ingest')];
    for (const mutation of mutations) {
      const response = await send(readOnly.url, mutation, { origin: readOnly.url, 'content-type': 'application/json' });
      expect(response.status, `${mutation.method} ${mutation.path}`).toBe(405);
    }
    expect(await ingest().count()).toBe(before);
    expect(await ingest().isPaused()).toBe(false);
    expect((await rawRequest(readOnly.url, { path: '/' })).status).toBe(200);
    expect((await rawRequest(readOnly.url, { path: '/queues/' })).status).toBe(200);
    report.add(`DASHBOARD_READ_ONLY=true: each of ${mutations.length} mutation routes from the dashboard origin`, 'all 405; bull-board lists every queue with readOnlyMode: true; pages and reads 200');
  });
});
