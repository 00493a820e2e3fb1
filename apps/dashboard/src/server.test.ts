import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { BasicAuth } from './auth.ts';
import type { DashboardDeps } from './handlers/types.ts';
import { createExpressApp } from './server.ts';
import { fakeDeps } from './testing/fake-data.ts';

let server: Server | null = null;

async function serve(deps: DashboardDeps = fakeDeps(), auth: BasicAuth | null = null): Promise<string> {
  const app = createExpressApp({ deps, auth, onError: () => {} });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

describe('express adapter', () => {
  it('translates params (including an encoded article key and an object path) and writes each result kind', async () => {
    const base = await serve();
    const article = await fetch(`${base}/articles/${encodeURIComponent('dir:x<y>')}`);
    expect(article.status).toBe(200);
    expect(article.headers.get('content-type')).toMatch(/^text\/html/);
    expect(article.headers.get('content-security-policy')).toContain("default-src 'none'");
    const object = await fetch(`${base}/objects/crops/s0.jpg`);
    expect(object.status).toBe(200);
    expect(object.headers.get('content-type')).toBe('image/jpeg');
    expect(object.headers.get('cache-control')).toContain('immutable');
    expect([...new Uint8Array(await object.arrayBuffer())]).toEqual([0xff, 0xd8, 0xff, 1, 2, 3]);
    const api = await fetch(`${base}/api/failures?stage=ingest`);
    expect(api.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await api.json()).toMatchObject({ total: 1 });
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
  });

  it('answers 400 on a repeated query key, 404 on an unknown path, 500 (without details) when a handler throws', async () => {
    const deps = fakeDeps();
    deps.data.stageCounts = async () => Promise.reject(new Error('secret connection string'));
    const base = await serve(deps);
    expect((await fetch(`${base}/failures?stage=ingest&stage=align`)).status).toBe(400);
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
    expect(await (await fetch(`${base}/api/nowhere`)).json()).toEqual({ error: 'no route /api/nowhere' });
    const failing = await fetch(`${base}/`);
    expect(failing.status).toBe(500);
    expect(await failing.text()).not.toContain('secret');
    expect((await fetch(`${base}/api/overview`)).status).toBe(500);
  });

  it('mounts bull-board at /queues', async () => {
    const base = await serve();
    const response = await fetch(`${base}/queues/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/bull/i);
    const api = await fetch(`${base}/queues/api/queues`);
    expect(api.status).toBe(200);
  });

  it('requires basic auth on everything but /healthz when configured', async () => {
    const base = await serve(fakeDeps(), { user: 'u', password: 'p' });
    const denied = await fetch(`${base}/`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await fetch(`${base}/queues/`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const headers = { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` };
    expect((await fetch(`${base}/`, { headers })).status).toBe(200);
  });
});
