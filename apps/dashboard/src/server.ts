import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { HTTPStatus } from '@bull-board/api/dist/types.js';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { STATUS_CODES } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { checkBasicAuth, type BasicAuth } from './auth.ts';
import type { DashboardDeps } from './handlers/types.ts';
import type { HandlerResult, ParsedRequest } from './http.ts';
import { routes as defaultRoutes, type RouteDef } from './routes.ts';
import { HostAllowList, hostCheck, mutationGuard, PAGE_CSP, securityHeaders } from './security.ts';
import { errorPage } from './views/errors.ts';

const BULL_BOARD_PATH = '/queues';

export interface ExpressAppOptions {
  deps: DashboardDeps;
  auth: BasicAuth | null;
  /** BullMQ queues shown by bull-board at /queues. */
  bullQueues?: readonly Queue[];
  routes?: readonly RouteDef[];
  onError?: (error: unknown, request: ParsedRequest & { path: string }) => void;
  /**
   * The Host headers answered; anything else gets 421 (DNS rebinding). A function, since the bound port is
   * known only once the server listens. @defaultValue localhost, 127.0.0.1 and [::1] on any port
   */
  allowedHosts?: () => HostAllowList;
  /** No mutations at all: our non-GET routes are not mounted, bull-board is read-only, every mutation is a 405. */
  readOnly?: boolean;
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

/** A thrown value's HTTP status when it is a client error (bad encoding, bad body), else 500. */
function clientStatus(error: unknown): number {
  const status = (error as { status?: unknown; statusCode?: unknown } | null)?.status ?? (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 500 ? status : 500;
}

/** A short, fixed message for a client error: never the thrown message, never a stack. */
function clientMessage(error: unknown, status: number): string {
  if (error instanceof URIError) return 'bad request: malformed percent-encoding in the URL';
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') return 'bad request: malformed JSON body';
  if (type === 'entity.too.large') return 'request body too large';
  return `${status} ${STATUS_CODES[status] ?? 'client error'}`;
}

const isJsonPath = (path: string) => path.startsWith('/api/') || path.startsWith(`${BULL_BOARD_PATH}/api/`);

const INTERNAL = 'internal error; see the dashboard log';

/** Bull-board's own error answers, without the thrown message (or, with NODE_ENV=development, the stack). */
function bullBoardError(error: Error) {
  const status = clientStatus(error);
  const message = status < 500 ? clientMessage(error, status) : INTERNAL;
  // Bull-board types its statuses as a short union; the real status (413 for a huge body) goes through as is.
  return { status: status as HTTPStatus, body: { error: { key: status < 500 ? 'ERRORS.BAD_REQUEST' : 'ERRORS.INTERNAL_SERVER_ERROR' }, message } };
}

/** The adapter: translates between express and the route table, mounts bull-board, and guards both. */
export function createExpressApp(options: ExpressAppOptions): Express {
  const app = express();
  const table = (options.routes ?? defaultRoutes).filter((route) => !options.readOnly || route.method === 'get');
  const readOnly = options.readOnly ?? false;
  const loopback = new HostAllowList(['localhost', '127.0.0.1', '[::1]']);
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(securityHeaders(BULL_BOARD_PATH));
  app.use(hostCheck(options.allowedHosts ?? (() => loopback)));
  if (options.auth) {
    const publicPaths = new Set(table.filter((route) => route.public).map((route) => route.path));
    app.use(basicAuth(options.auth, publicPaths));
  }
  app.use(mutationGuard({ readOnly }));

  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({ queues: (options.bullQueues ?? []).map((queue) => new BullMQAdapter(queue, { readOnlyMode: readOnly })), serverAdapter });
  // Set after createBullBoard, which installs its own (that one echoes the thrown message).
  serverAdapter.setErrorHandler(bullBoardError);
  const bullBoard = serverAdapter.getRouter() as Express;
  bullBoard.disable('x-powered-by');
  app.use(BULL_BOARD_PATH, bullBoard);

  for (const route of table) {
    app[route.method](route.path, async (req: Request, res: Response) => {
      const parsed: ParsedRequest = { params: plainParams(req.params), query: { ...(req.query as Record<string, unknown>) } };
      try {
        send(res, await route.handler(options.deps, parsed));
      } catch (error) {
        options.onError?.(error, { ...parsed, path: req.path });
        if (route.errors === 'html') send(res, { status: 500, html: errorPage('Error', INTERNAL) });
        else send(res, { status: 500, body: { error: INTERNAL } });
      }
    });
  }

  app.use((req: Request, res: Response) => {
    if (req.path.startsWith('/api/')) send(res, { status: 404, body: { error: `no route ${req.path}` } });
    else send(res, { status: 404, html: errorPage('Not found', `no page at ${req.path}`) });
  });

  // The last word on anything thrown (a path that does not decode, a body that does not parse, a bug):
  // express's own handler would print the stack whenever NODE_ENV is not production.
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    void next;
    const status = clientStatus(error);
    if (status >= 500) options.onError?.(error, { params: {}, query: {}, path: req.path });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const message = status < 500 ? clientMessage(error, status) : INTERNAL;
    if (isJsonPath(req.path)) send(res, { status, body: { error: message } });
    else send(res, { status, html: errorPage(status < 500 ? 'Bad request' : 'Error', message) });
  });
  return app;
}
