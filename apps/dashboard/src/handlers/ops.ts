import { queueCounts } from '../data/queues.ts';
import { json, type HandlerResult } from '../http.ts';
import { noQuery, objectParams, parseInput } from '../schemas.ts';
import type { DashboardDeps, Handler } from './types.ts';

const HEALTH_TIMEOUT_MS = 3000;

async function check(probe: () => Promise<void>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
      }),
    ]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

export const healthz: Handler = async (deps) => {
  const [postgres, redis] = await Promise.all([check(() => deps.data.ping()), check(() => deps.pingRedis())]);
  const ok = postgres === 'ok' && redis === 'ok';
  return json({ ok, postgres, redis }, ok ? 200 : 503);
};

export const metrics: Handler = async (deps) => {
  const [counts, failures, queues] = await Promise.all([
    deps.data.stageCounts(),
    deps.data.failureCounts(),
    queueCounts(deps.queues),
    deps.metrics.observeQueues(deps.queues),
  ]);
  deps.metrics.set({ counts, failures, queues });
  return { status: 200, text: await deps.metrics.text(), contentType: deps.metrics.contentType };
};

const CONTENT_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  svg: 'image/svg+xml',
  json: 'application/json',
};

function contentTypeFor(key: string): string {
  const extension = /\.([A-Za-z0-9]+)$/.exec(key)?.[1]?.toLowerCase() ?? '';
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

/** Serves a curated object (images, crops). Keys are content-addressed, so responses are immutable. */
export const objects: Handler = async (deps: DashboardDeps, request): Promise<HandlerResult> => {
  const params = parseInput(objectParams, request.params, 'params');
  if (!params.ok) return json({ error: 'bad object key', issues: params.failure.issues }, 400);
  const query = parseInput(noQuery, request.query, 'query');
  if (!query.ok) return json({ error: 'bad query parameters', issues: query.failure.issues }, 400);
  if (!deps.objects) return json({ error: 'no object store configured' }, 404);
  try {
    const bytes = await deps.objects.get(params.value.key);
    const contentType = contentTypeFor(params.value.key);
    // SVG could carry script; serve it as an attachment-safe type instead of rendering it inline.
    return {
      status: 200,
      bytes,
      contentType: contentType === 'image/svg+xml' ? 'application/octet-stream' : contentType,
      cacheControl: 'private, max-age=31536000, immutable',
    };
  } catch (error) {
    if ((error as { errorClass?: unknown }).errorClass === 'ObjectVanished') return json({ error: `no object ${params.value.key}` }, 404);
    return json({ error: error instanceof Error ? error.message : String(error) }, 502);
  }
};
