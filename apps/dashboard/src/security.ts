import type { NextFunction, Request, Response } from 'express';

/**
 * The dashboard's defences that do not depend on a route: which Host headers it answers (DNS rebinding),
 * which requests may change anything (cross-site request forgery), and the headers every response carries.
 * Pure functions plus thin express middleware; `server.ts` installs them in front of every route.
 */

/** Methods that never change anything (and so need no same-origin proof). */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface HostPort {
  /** Lower case, without a trailing dot; IPv6 addresses keep their brackets (`[::1]`). */
  name: string;
  /** '' when the header names no port. */
  port: string;
}

const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?\.?)(?::(\d{1,5}))?$/i;

/** A Host header (or an allow-list entry) → name and port; null when it is not a host at all. */
export function parseHost(value: string): HostPort | null {
  const match = HOST.exec(value.trim());
  if (!match) return null;
  return { name: match[1]!.toLowerCase().replace(/\.$/, ''), port: match[2] ?? '' };
}

/** An address as it appears in a Host header: IPv6 in brackets. */
function hostName(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address.toLowerCase();
}

/** True when a comma-separated allow-list (DASHBOARD_ALLOWED_HOSTS) only names hosts or host:port pairs. */
export function isHostList(value: string): boolean {
  return splitList(value).every((entry) => parseHost(entry) !== null);
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '[::]', '[::0]']);

/**
 * The Host headers the dashboard answers. An entry without a port allows that name on any port; with a
 * port, only on that port. The default is the bound address (unless it is a wildcard such as 0.0.0.0),
 * localhost, 127.0.0.1 and [::1], each on the bound port.
 */
export class HostAllowList {
  private readonly entries: HostPort[];

  constructor(entries: readonly string[]) {
    this.entries = entries.map((entry) => {
      const parsed = parseHost(entry);
      if (!parsed) throw new Error(`not a host or host:port: ${JSON.stringify(entry)}`);
      return parsed;
    });
  }

  /** From the configured list (comma-separated; empty = the defaults for the bound host and port). */
  static fromConfig(list: string, bound: { host: string; port: number }): HostAllowList {
    const configured = splitList(list);
    if (configured.length > 0) return new HostAllowList(configured);
    const names = [hostName(bound.host), 'localhost', '127.0.0.1', '[::1]'].filter((name) => !WILDCARD_ADDRESSES.has(name));
    return new HostAllowList([...new Set(names)].map((name) => (bound.port > 0 ? `${name}:${bound.port}` : name)));
  }

  allows(header: string | undefined): boolean {
    if (!header) return false;
    const host = parseHost(header);
    if (!host) return false;
    return this.entries.some((entry) => entry.name === host.name && (entry.port === '' || entry.port === (host.port || '80')));
  }

  toString(): string {
    return this.entries.map((entry) => (entry.port ? `${entry.name}:${entry.port}` : entry.name)).join(', ');
  }
}

/** The host (and non-default port) of an http(s) URL; null for anything else, `null` included. */
function originHost(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    return parsed.host.toLowerCase();
  } catch {
    return null;
  }
}

function sameHost(host: string, url: string): boolean {
  const fromUrl = originHost(url);
  if (fromUrl === null) return false;
  return fromUrl === host.toLowerCase().replace(/:(80|443)$/, '');
}

export interface MutationRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

const header = (request: MutationRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** JSON bodies cannot be sent across sites without a CORS preflight (which the dashboard never grants). */
const JSON_TYPE = /^application\/(?:[a-z0-9.+-]*\+)?json$/;

/**
 * Why a request that would change something must be refused as possibly cross-site, or null when it may go
 * on. Two proofs are needed: the request comes from a page of this very origin (Origin, or Referer when a
 * browser sent no Origin, names the request's Host), and it could not have been sent by a page elsewhere
 * without a CORS preflight: a method other than POST, a JSON body (bull-board's UI sends its calls with
 * axios as JSON, or bodiless PUTs), or an `X-Requested-With` header. A form post or a `text/plain` fetch
 * from another site fails both.
 */
export function crossSiteReason(request: MutationRequest): string | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  const host = header(request, 'host');
  if (!host) return 'no Host header';
  const fetchSite = header(request, 'sec-fetch-site');
  if (fetchSite && fetchSite !== 'same-origin' && fetchSite !== 'none') return `Sec-Fetch-Site is ${fetchSite}`;
  const origin = header(request, 'origin');
  if (origin !== undefined) {
    if (!sameHost(host, origin)) return `Origin ${origin} is not this dashboard`;
  } else {
    const referer = header(request, 'referer');
    if (referer === undefined) return 'neither Origin nor Referer names this dashboard';
    if (!sameHost(host, referer)) return 'Referer is not this dashboard';
  }
  if (request.method.toUpperCase() !== 'POST') return null;
  const contentType = (header(request, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (JSON_TYPE.test(contentType) || header(request, 'x-requested-with') !== undefined) return null;
  return 'a POST needs a JSON body or an X-Requested-With header';
}

/** Answers with a short plain-text or JSON refusal (no details beyond the reason). */
function refuse(req: Request, res: Response, status: number, message: string): void {
  res.status(status);
  if (req.path.startsWith('/api/') || req.path.startsWith('/queues/api/')) res.json({ error: message });
  else res.type('text').send(message);
}

/** Refuses Host headers outside the allow-list with 421 Misdirected Request (DNS rebinding). */
export function hostCheck(allowed: () => HostAllowList) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (allowed().allows(req.headers.host)) return next();
    refuse(req, res, 421, 'unexpected Host header; add it to DASHBOARD_ALLOWED_HOSTS to serve it');
  };
}

/** Refuses cross-site mutations with 403; in read-only mode refuses every mutation with 405. */
export function mutationGuard(options: { readOnly: boolean }) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (options.readOnly) {
      res.setHeader('Allow', 'GET, HEAD, OPTIONS');
      return refuse(req, res, 405, 'the dashboard is read-only (DASHBOARD_READ_ONLY)');
    }
    const reason = crossSiteReason(req);
    if (reason === null) return next();
    refuse(req, res, 403, `cross-site request refused: ${reason}`);
  };
}

/** Our pages: no scripts at all, images and styles from here only. */
export const PAGE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * bull-board's UI (@bull-board/ui 9.10.1): scripts, chunks, the highlight worker and locales from /queues/static;
 * an inline `<style>`, style attributes and React-inserted `<style>` elements (so 'unsafe-inline' for styles only);
 * data: images; `<base href="/queues/">`; its UI config is an inline `application/json` block, which CSP does not
 * treat as a script. No eval is reached in a browser with `globalThis`. Its Google Fonts stylesheet is not allowed:
 * the UI falls back to system fonts rather than calling out to a third party.
 */
const BULL_BOARD_CSP =
  "default-src 'none'; script-src 'self'; worker-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

/** Everything else (JSON, metrics, objects, refusals): nothing may run, nothing may frame it. */
const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Headers every response carries; `send()` in server.ts tightens the CSP of our HTML pages. */
export function securityHeaders(bullBoardPath: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const underBullBoard = req.path === bullBoardPath || req.path.startsWith(`${bullBoardPath}/`);
    res.setHeader('Content-Security-Policy', underBullBoard ? BULL_BOARD_CSP : DEFAULT_CSP);
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // same-origin, not no-referrer: with no-referrer a browser sends `Origin: null` on same-origin posts.
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('X-Permitted-Cross-Domain-Policies', 'none');
    res.removeHeader('X-Powered-By');
    next();
  };
}
