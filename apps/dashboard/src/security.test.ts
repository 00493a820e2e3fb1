import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { crossSiteReason, HostAllowList, isHostList, parseHost } from './security.ts';
import { createExpressApp, type ExpressAppOptions } from './server.ts';
import { fakeDeps } from './testing/fake-data.ts';
import { rawRequest, STACK_LEAK } from './testing/raw-http.ts';

let server: Server | null = null;

async function serve(options: Partial<ExpressAppOptions> = {}): Promise<string> {
  const app = createExpressApp({ deps: fakeDeps(), auth: null, onError: () => {}, ...options });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

describe('Host allow-list', () => {
  it('parses hosts, ports, IPv6 and refuses what is not a host', () => {
    expect(parseHost('Example.ORG.:8080')).toEqual({ name: 'example.org', port: '8080' });
    expect(parseHost('[::1]:3000')).toEqual({ name: '[::1]', port: '3000' });
    expect(parseHost('localhost')).toEqual({ name: 'localhost', port: '' });
    for (const bad of ['', 'evil.example/x', 'a b', 'user@host', 'host:port', '::1', 'host:123456']) expect(parseHost(bad), bad).toBeNull();
    expect(isHostList('dash.example.org, localhost:3000,[::1]:3000')).toBe(true);
    expect(isHostList('dash.example.org/path')).toBe(false);
  });

  it('defaults to the bound address, localhost, 127.0.0.1 and [::1] on the bound port', () => {
    const allowed = HostAllowList.fromConfig('', { host: '127.0.0.1', port: 3000 });
    for (const host of ['127.0.0.1:3000', 'localhost:3000', 'LOCALHOST:3000', '[::1]:3000']) expect(allowed.allows(host), host).toBe(true);
    for (const host of ['evil.example:3000', '127.0.0.1:3001', 'localhost', '0.0.0.0:3000', undefined, '', 'localhost:3000, evil.example'])
      expect(allowed.allows(host), String(host)).toBe(false);
    // A wildcard bind names no host a browser should use.
    expect(HostAllowList.fromConfig('', { host: '0.0.0.0', port: 3000 }).allows('0.0.0.0:3000')).toBe(false);
    expect(HostAllowList.fromConfig('', { host: '::1', port: 3000 }).allows('[::1]:3000')).toBe(true);
  });

  it('takes a configured list instead: names on any port, name:port on that port', () => {
    const allowed = HostAllowList.fromConfig('dash.example.org, localhost:8080', { host: '127.0.0.1', port: 3000 });
    expect(allowed.allows('dash.example.org')).toBe(true);
    expect(allowed.allows('dash.example.org:443')).toBe(true);
    expect(allowed.allows('localhost:8080')).toBe(true);
    expect(allowed.allows('localhost:3000')).toBe(false);
    expect(allowed.allows('127.0.0.1:3000')).toBe(false);
    expect(() => new HostAllowList(['not a host'])).toThrow(/not a host/);
  });
});

describe('cross-site check', () => {
  const host = '127.0.0.1:3000';
  const base = `http://${host}`;
  const check = (method: string, headers: Record<string, string>) => crossSiteReason({ method, headers: { host, ...headers } });

  it('lets reads through and requires a same-origin, non-simple request for everything else', () => {
    expect(check('GET', { origin: 'http://evil.example' })).toBeNull();
    expect(check('HEAD', {})).toBeNull();
    expect(check('OPTIONS', { origin: 'http://evil.example' })).toBeNull();
    // bull-board's UI: axios PUTs without a body, POSTs with JSON, from its own page.
    expect(check('PUT', { origin: base })).toBeNull();
    expect(check('PATCH', { origin: base, 'content-type': 'application/json' })).toBeNull();
    expect(check('POST', { origin: base, 'content-type': 'application/json;charset=utf-8' })).toBeNull();
    expect(check('POST', { origin: base, 'x-requested-with': 'fetch' })).toBeNull();
    expect(check('DELETE', { referer: `${base}/queues/` })).toBeNull();
    expect(check('PUT', { origin: base, 'sec-fetch-site': 'same-origin' })).toBeNull();
  });

  it('refuses other origins, missing proof and simple POSTs', () => {
    expect(check('POST', { origin: 'http://evil.example', 'content-type': 'text/plain' })).toMatch(/Origin/);
    expect(check('PUT', { origin: 'http://evil.example' })).toMatch(/Origin/);
    expect(check('PUT', { origin: 'null' })).toMatch(/Origin/);
    expect(check('PUT', { origin: `${base}.evil.example` })).toMatch(/Origin/);
    expect(check('PUT', { origin: 'http://127.0.0.1:3001' })).toMatch(/Origin/);
    expect(check('PUT', {})).toMatch(/neither Origin nor Referer/);
    expect(check('PUT', { referer: 'http://evil.example/?http://127.0.0.1:3000/' })).toMatch(/Referer/);
    expect(check('PUT', { origin: base, 'sec-fetch-site': 'cross-site' })).toMatch(/Sec-Fetch-Site/);
    expect(check('PUT', { origin: base, 'sec-fetch-site': 'same-site' })).toMatch(/Sec-Fetch-Site/);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      expect(check('POST', { origin: base, ...(type ? { 'content-type': type } : {}) }), type).toMatch(/JSON body or an X-Requested-With/);
    }
    expect(crossSiteReason({ method: 'PUT', headers: { origin: base } })).toMatch(/Host/);
  });
});

describe('hardened express app', () => {
  const sameOrigin = (base: string) => ({ origin: base, 'content-type': 'application/json' });

  it('sends security headers on every kind of response, bull-board included, and no X-Powered-By', async () => {
    const base = await serve();
    for (const path of ['/', '/api/overview', '/metrics', '/queues', '/queues/', '/queues/api/queues', '/queues/static/favicon-32x32.png', '/nowhere', '/articles/%E0%A4%A']) {
      const response = await rawRequest(base, { path });
      expect(response.headers['content-security-policy'], path).toMatch(/frame-ancestors 'none'/);
      expect(response.headers['x-frame-options'], path).toBe('DENY');
      expect(response.headers['x-content-type-options'], path).toBe('nosniff');
      expect(response.headers['referrer-policy'], path).toBe('same-origin');
      expect(response.headers['x-powered-by'], path).toBeUndefined();
    }
    const board = await rawRequest(base, { path: '/queues/' });
    expect(board.status).toBe(200);
    const csp = String(board.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    // Every script bull-board's page loads is a file from /queues/static, none inline.
    const scripts = [...board.text.matchAll(/<script\b([^>]*)>/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attributes of scripts) expect(attributes, attributes).toMatch(/src="static\/js\/|type="application\/json"/);
    for (const src of [...board.text.matchAll(/src="(static\/js\/[^"]+)"/g)].map((match) => match[1]!)) {
      expect((await rawRequest(base, { path: `/queues/${src}` })).status, src).toBe(200);
    }
    expect(String((await rawRequest(base, { path: '/' })).headers['content-security-policy'])).toContain("default-src 'none'");
  });

  it('refuses unexpected Host headers with 421 before anything runs', async () => {
    const base = await serve();
    const port = new URL(base).port;
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/api/overview'],
      ['GET', '/queues/api/queues'],
      ['PUT', '/queues/api/queues/ingest/pause'],
    ] as const) {
      const response = await rawRequest(base, { method, path, headers: { host: `evil.example:${port}` } });
      expect(response.status, `${method} ${path}`).toBe(421);
    }
    expect((await rawRequest(base, { path: '/', headers: { host: `localhost:${port}` } })).status).toBe(200);
  });

  it('refuses cross-site mutations (403) and lets same-origin ones through to the route', async () => {
    const base = await serve();
    const attack = await rawRequest(base, { method: 'POST', path: '/queues/api/queues/ingest/add', headers: { origin: 'http://evil.example', 'content-type': 'text/plain' }, body: '{}' });
    expect(attack.status).toBe(403);
    expect(attack.text).toMatch(/cross-site/);
    // Same origin: past the guard, bull-board answers (no such queue in this app).
    const allowed = await rawRequest(base, { method: 'POST', path: '/queues/api/queues/ingest/add', headers: sameOrigin(base), body: '{"name":"x","data":{}}' });
    expect(allowed.status).toBe(404);
    expect((await rawRequest(base, { method: 'POST', path: '/failures', headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await rawRequest(base, { method: 'POST', path: '/failures', headers: sameOrigin(base) })).status).toBe(404);
  });

  it('answers a short 4xx, never a stack, for the inputs that used to give stacks or 500s', async () => {
    const base = await serve();
    for (const path of ['/articles/%E0%A4%A', '/articles/%00', '/api/runs/%00', '/failures?since=999999d', '/api/failures?since=0001-01-01', '/runs/%E0%A4%A', '/objects/%E0%A4%A']) {
      const response = await rawRequest(base, { path });
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
      expect(response.text, path).not.toMatch(STACK_LEAK);
    }
    const broken = await rawRequest(base, { method: 'POST', path: '/queues/api/queues/ingest/add', headers: sameOrigin(base), body: '{"name":' });
    expect(broken.status).toBe(400);
    expect(broken.text).not.toMatch(STACK_LEAK);
    expect(broken.text).not.toContain('Unexpected');
  });

  it('never answers 5xx or a stack for random paths and query strings', async () => {
    const base = await serve();
    const prefixes = ['/', '/runs/', '/failures', '/articles/', '/pairs', '/api/overview', '/api/runs/', '/api/failures', '/api/articles/', '/api/pairs', '/objects/', '/metrics', '/healthz', '/queues/', '/queues/api/queues/'];
    const segment = fc.oneof(
      fc.string({ maxLength: 12 }).map(encodeURIComponent),
      fc.constantFrom('%', '%E0%A4%A', '%00', '%2e%2e', '..', '%FF', '%C0%AF', '%u0000', '\u00e9'),
      fc.uint8Array({ maxLength: 6 }).map((bytes) => [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')),
    );
    const query = fc.array(
      fc.tuple(fc.constantFrom('since', 'page', 'pageSize', 'stage', 'errorClass', 'resolved', 'run', 'method', 'minConfidence', 'x', '%'), segment),
      { maxLength: 4 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...prefixes), fc.array(segment, { maxLength: 3 }), query, async (prefix, segments, pairs) => {
        const path = `${prefix}${segments.join('/')}${pairs.length ? `?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}` : ''}`.replace(/[^\x21-\x7e]/g, encodeURIComponent);
        const response = await rawRequest(base, { path });
        expect(response.status, path).toBeLessThan(500);
        expect(response.text, path).not.toMatch(STACK_LEAK);
      }),
      { numRuns: 300 },
    );
  });

  it('read-only mode: every mutation is a 405 (ours and bull-board), reads work', async () => {
    const base = await serve({ readOnly: true });
    for (const [method, path] of [
      ['POST', '/queues/api/queues/ingest/add'],
      ['PUT', '/queues/api/queues/pause'],
      ['PUT', '/queues/api/queues/ingest/pause'],
      ['PATCH', '/queues/api/queues/ingest/1/update-data'],
      ['DELETE', '/api/overview'],
    ] as const) {
      const response = await rawRequest(base, { method, path, headers: sameOrigin(base), body: '{}' });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.allow).toBe('GET, HEAD, OPTIONS');
    }
    expect((await rawRequest(base, { path: '/queues/api/queues' })).status).toBe(200);
    expect((await rawRequest(base, { path: '/' })).status).toBe(200);
  });
});
