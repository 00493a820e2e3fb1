import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { checkBasicAuth, type BasicAuth } from './auth.ts';
import type { DashboardDeps } from './handlers/types.ts';
import type { HandlerResult, ParsedRequest } from './http.ts';
import { routes as defaultRoutes, type RouteDef } from './routes.ts';
import { errorPage } from './views/errors.ts';

/** Security headers for our own pages: no scripts at all, images and styles from here only. */
const PAGE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface ExpressAppOptions {
  deps: DashboardDeps;
  auth: BasicAuth | null;
  /** BullMQ queues shown by bull-board at /queues. */
  bullQueues?: readonly Queue[];
  routes?: readonly RouteDef[];
  onError?: (error: unknown, request: ParsedRequest & { path: string }) => void;
}

/** Express params → plain strings (a `*splat` arrives as segments and is joined back with '/'). */
function plainParams(params: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === 'string') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.map(String).join('/');
  }
  return out;
}

function send(res: Response, result: HandlerResult): void {
  res.status(result.status);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if ('html' in result) {
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    res.type('html').send(result.html);
  } else if ('bytes' in result) {
    if (result.cacheControl) res.setHeader('Cache-Control', result.cacheControl);
    res.setHeader('Content-Type', result.contentType);
    res.end(Buffer.from(result.bytes.buffer, result.bytes.byteOffset, result.bytes.byteLength));
  } else if ('text' in result) {
    res.setHeader('Content-Type', result.contentType);
    res.send(result.text);
  } else {
    res.setHeader('Cache-Control', 'no-store');
    res.json(result.body);
  }
}

function basicAuth(auth: BasicAuth, publicPaths: Set<string>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (publicPaths.has(req.path) || checkBasicAuth(req.headers.authorization, auth)) return next();
    res.setHeader('WWW-Authenticate', 'Basic realm="pmc-curator", charset="UTF-8"');
    res.status(401).type('text').send('authentication required');
  };
}

/** The adapter: translates between express and the route table, and mounts bull-board. Nothing else. */
export function createExpressApp(options: ExpressAppOptions): Express {
  const app = express();
  const table = options.routes ?? defaultRoutes;
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (options.auth) {
    const publicPaths = new Set(table.filter((route) => route.public).map((route) => route.path));
    app.use(basicAuth(options.auth, publicPaths));
  }

  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath('/queues');
  createBullBoard({ queues: (options.bullQueues ?? []).map((queue) => new BullMQAdapter(queue)), serverAdapter });
  app.use('/queues', serverAdapter.getRouter() as express.Router);

  for (const route of table) {
    app[route.method](route.path, async (req: Request, res: Response) => {
      const parsed: ParsedRequest = { params: plainParams(req.params as Record<string, unknown>), query: { ...(req.query as Record<string, unknown>) } };
      try {
        send(res, await route.handler(options.deps, parsed));
      } catch (error) {
        options.onError?.(error, { ...parsed, path: req.path });
        const message = 'internal error; see the dashboard log';
        if (route.errors === 'html') send(res, { status: 500, html: errorPage('Error', message) });
        else send(res, { status: 500, body: { error: message } });
      }
    });
  }

  app.use((req: Request, res: Response) => {
    if (req.path.startsWith('/api/')) send(res, { status: 404, body: { error: `no route ${req.path}` } });
    else send(res, { status: 404, html: errorPage('Not found', `no page at ${req.path}`) });
  });
  return app;
}
