import { api, page } from './handlers/render.ts';
import { healthz, metrics, objects } from './handlers/ops.ts';
import type { Handler } from './handlers/types.ts';
import { failuresJson, loadArticle, loadFailures, loadOverview, loadPairs, loadRun, pairsJson } from './handlers/views.ts';
import { articlePage } from './views/article.ts';
import { failuresPage } from './views/failures.ts';
import { overviewPage } from './views/overview.ts';
import { pairsPage } from './views/pairs.ts';
import { runPage } from './views/run.ts';

export interface RouteDef {
  /** Anything but 'get' changes something: it needs a same-origin request and is not mounted read-only. */
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express 5 path syntax (`:param`, `*splat`). */
  path: string;
  handler: Handler;
  /** How an unexpected error is reported on this route. */
  errors: 'html' | 'json';
  /** Reachable without basic auth (health probes). */
  public?: boolean;
}

/** Every dashboard route. Bull-board is mounted separately at /queues. */
export const routes: readonly RouteDef[] = [
  { method: 'get', path: '/', handler: page(loadOverview, overviewPage), errors: 'html' },
  { method: 'get', path: '/runs/:id', handler: page(loadRun, runPage), errors: 'html' },
  { method: 'get', path: '/failures', handler: page(loadFailures, failuresPage), errors: 'html' },
  { method: 'get', path: '/articles/:key', handler: page(loadArticle, articlePage), errors: 'html' },
  { method: 'get', path: '/pairs', handler: page(loadPairs, pairsPage), errors: 'html' },
  { method: 'get', path: '/api/overview', handler: api(loadOverview), errors: 'json' },
  { method: 'get', path: '/api/runs/:id', handler: api(loadRun), errors: 'json' },
  { method: 'get', path: '/api/failures', handler: api(loadFailures, failuresJson), errors: 'json' },
  { method: 'get', path: '/api/articles/:key', handler: api(loadArticle), errors: 'json' },
  { method: 'get', path: '/api/pairs', handler: api(loadPairs, pairsJson), errors: 'json' },
  { method: 'get', path: '/objects/*key', handler: objects, errors: 'json' },
  { method: 'get', path: '/metrics', handler: metrics, errors: 'json' },
  { method: 'get', path: '/healthz', handler: healthz, errors: 'json', public: true },
];
