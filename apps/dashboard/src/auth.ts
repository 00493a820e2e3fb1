import { createHash, timingSafeEqual } from 'node:crypto';

export interface BasicAuth {
  user: string;
  password: string;
}

/** Basic auth from the config: both variables or neither. */
export function authFromConfig(config: { DASHBOARD_USER?: string | undefined; DASHBOARD_PASSWORD?: string | undefined }): BasicAuth | null {
  const { DASHBOARD_USER: user, DASHBOARD_PASSWORD: password } = config;
  if (!user && !password) return null;
  if (!user || !password) throw new Error('set both DASHBOARD_USER and DASHBOARD_PASSWORD, or neither');
  return { user, password };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compares in constant time (over digests, so lengths do not leak either). */
function same(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** True when an `Authorization` header carries the configured credentials. */
export function checkBasicAuth(header: string | undefined, auth: BasicAuth): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const userOk = same(decoded.slice(0, colon), auth.user);
  const passwordOk = same(decoded.slice(colon + 1), auth.password);
  return userOk && passwordOk;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Without credentials the dashboard (which can retry and delete jobs through bull-board) stays on loopback. */
export function assertSafeBinding(host: string, auth: BasicAuth | null): void {
  if (!auth && !isLoopback(host)) {
    throw new Error(
      `refusing to serve the dashboard on ${host} without authentication; set DASHBOARD_USER and DASHBOARD_PASSWORD, or bind DASHBOARD_HOST=127.0.0.1`,
    );
  }
}
