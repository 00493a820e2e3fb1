import { describe, expect, it } from 'vitest';
import type { HandlerResult, ParsedRequest } from './http.ts';
import { routes } from './routes.ts';
import { fakeDeps } from './testing/fake-data.ts';

function handlerFor(path: string) {
  const route = routes.find((candidate) => candidate.path === path);
  if (!route) throw new Error(`no route ${path}`);
  return route.handler;
}

async function call(path: string, request: Partial<ParsedRequest> = {}, deps = fakeDeps()): Promise<HandlerResult> {
  return handlerFor(path)(deps, { params: {}, query: {}, ...request });
}

function pageOf(result: HandlerResult): string {
  if (!('html' in result)) throw new Error(`expected html, got ${JSON.stringify(result)}`);
  return result.html;
}

function bodyOf(result: HandlerResult): Record<string, unknown> {
  if (!('body' in result)) throw new Error('expected json');
  return result.body as Record<string, unknown>;
}

/** No hostile markup survives into a page: every `<` of it is an entity. */
function expectEscaped(page: string) {
  expect(page).not.toContain('<script>');
  expect(page).not.toContain('<img src=x');
  expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
}

describe('view routes over a fake data layer', () => {
  it('overview shows stage counts, the run, failure classes and queue counts', async () => {
    const result = await call('/');
    expect(result.status).toBe(200);
    const page = pageOf(result);
    expect(page).toMatch(/<tr data-stage="ingest"><th>ingest<\/th><td class="num" data-status="pending">0<\/td><td class="num" data-status="done">3<\/td><td class="num" data-status="failed">1<\/td>/);
    expect(page).toContain('href="/runs/run-1"');
    expect(page).toContain('href="/failures?stage=ingest&amp;errorClass=CorruptImage"');
    expect(page).toContain('<td class="num" data-state="waiting">2</td>');
  });

  it('rejects unknown query parameters with 400', async () => {
    expect((await call('/', { query: { x: '1' } })).status).toBe(400);
    const api = await call('/api/overview', { query: { x: '1' } });
    expect(api.status).toBe(400);
    expect(bodyOf(api).issues).toBeDefined();
  });

  it('run page shows progress and failures by class; unknown run is 404', async () => {
    const page = pageOf(await call('/runs/:id', { params: { id: 'run-1' } }));
    expect(page).toContain('Run <code>run-1</code>');
    expect(page).toContain('CorruptImage');
    expect((await call('/runs/:id', { params: { id: 'nope' } })).status).toBe(404);
    expect((await call('/api/runs/:id', { params: { id: 'nope' } })).status).toBe(404);
  });

  it('failures page passes parsed filters to the data layer, escapes messages and shows the reprocess command', async () => {
    const deps = fakeDeps();
    const result = await call('/failures', { query: { stage: 'ingest', errorClass: 'CorruptImage', page: '2' } }, deps);
    const page = pageOf(result);
    expect(deps.data.failureFilters[0]).toMatchObject({ stage: 'ingest', errorClass: 'CorruptImage', resolved: 'false', page: 2, pageSize: 50 });
    expect(page).toContain('<pre class="cmd" id="reprocess">curator reprocess --failed --stage ingest --error-class CorruptImage</pre>');
    expect(page).toContain('<option selected>ingest</option>');
    expectEscaped(page);
  });

  it('failures API returns rows, total and the command; bad filters are 400', async () => {
    const body = bodyOf(await call('/api/failures', { query: { stage: 'detect' } }));
    expect(body).toMatchObject({ total: 1, page: 1, reprocessCommand: 'curator reprocess --failed --stage detect' });
    expect((body.items as unknown[]).length).toBe(1);
    const bad = await call('/api/failures', { query: { stage: 'nope', page: '-1' } });
    expect(bad.status).toBe(400);
    expect((bodyOf(bad).issues as Array<{ path: string }>).map((issue) => issue.path).sort()).toEqual(['page', 'stage']);
    expect((await call('/failures', { query: { since: 'last tuesday' } })).status).toBe(400);
  });

  it('article page escapes captions and titles, draws boxes in percent and lists pairs with crops', async () => {
    const page = pageOf(await call('/articles/:key', { params: { key: 'dir:x<y>' } }));
    expectEscaped(page);
    expect(page).toContain('<code>dir:x&lt;y&gt;</code>');
    expect(page).toContain('src="/objects/normalized/abc.jpg"');
    expect(page).toContain('style="left:50.000%;top:0.000%;width:50.000%;height:50.000%"');
    expect(page).toContain('<img class="crop" src="/objects/crops/s0.jpg"');
    expect(page).toContain('</td><td>label</td><td class="num">0.95</td>');
  });

  it('unknown article is 404 in both twins', async () => {
    expect((await call('/articles/:key', { params: { key: 'PMC0.1' } })).status).toBe(404);
    expect(bodyOf(await call('/api/articles/:key', { params: { key: 'PMC0.1' } }))).toEqual({ error: 'no article PMC0.1' });
  });

  it('pairs page and API filter by method and confidence', async () => {
    const page = pageOf(await call('/pairs', { query: { method: 'label', minConfidence: '0.5' } }));
    expectEscaped(page);
    expect(page).toContain('<option selected>label</option>');
    expect((await call('/api/pairs', { query: { method: 'label-match' } })).status).toBe(400);
    const body = bodyOf(await call('/api/pairs', { query: { minConfidence: '0.5' } }));
    expect(body).toMatchObject({ total: 1, filter: { minConfidence: 0.5, page: 1, pageSize: 50 } });
    expect((await call('/api/pairs', { query: { minConfidence: 'high' } })).status).toBe(400);
  });
});

describe('operational routes', () => {
  it('healthz reports each dependency and fails when one is down', async () => {
    expect(await call('/healthz')).toEqual({ status: 200, body: { ok: true, postgres: 'ok', redis: 'ok' } });
    const down = fakeDeps({ pingRedis: async () => Promise.reject(new Error('ECONNREFUSED')) });
    expect(await call('/healthz', {}, down)).toEqual({ status: 503, body: { ok: false, postgres: 'ok', redis: 'ECONNREFUSED' } });
  });

  it('metrics is Prometheus text', async () => {
    const result = await call('/metrics');
    if (!('text' in result)) throw new Error('expected text');
    expect(result.contentType).toMatch(/^text\/plain; version=0.0.4/);
    expect(result.text).toContain('pmc_curator_queue_jobs{queue="ingest",state="waiting"} 2');
    expect(result.text).toContain('pmc_curator_failures{stage="ingest",error_class="CorruptImage",resolved="false"} 1');
  });

  it('objects serves bytes with an image type, 404 for a missing key, 400 for a traversal', async () => {
    const result = await call('/objects/*key', { params: { key: 'crops/s0.jpg' } });
    expect(result).toMatchObject({ status: 200, contentType: 'image/jpeg' });
    expect((await call('/objects/*key', { params: { key: 'crops/none.jpg' } })).status).toBe(404);
    expect((await call('/objects/*key', { params: { key: '../secret' } })).status).toBe(400);
  });
});
