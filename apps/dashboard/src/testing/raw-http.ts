import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface RawRequest {
  method?: string;
  /** Sent as is: no normalisation, no re-encoding (`/articles/%E0%A4%A` stays broken). */
  path: string;
  /** Every header as given, Host included (fetch would not let a test lie about the Host). */
  headers?: Record<string, string>;
  body?: string;
}

/** One HTTP/1.1 request over node:http, for tests that forge Host, Origin and Referer. */
export function rawRequest(base: string, options: RawRequest): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, method: options.method ?? 'GET', path: options.path, headers: { host: url.host, ...options.headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

/** Signs of a leaked stack trace or source path in a response body. */
export const STACK_LEAK = /\n\s+at |node_modules|\/work\/|\.ts:\d+|\.js:\d+|file:\/\//;
