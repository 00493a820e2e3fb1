/**
 * The dashboard's own request/response shapes. Handlers see only these: no express, no sockets.
 * The express adapter (`server.ts`) turns an express request into a `ParsedRequest` and writes the
 * `HandlerResult` back.
 */
export interface ParsedRequest {
  params: Record<string, string>;
  query: Record<string, unknown>;
}

export type HandlerResult =
  | { status: number; body: unknown }
  | { status: number; html: string }
  | { status: number; text: string; contentType: string }
  | { status: number; bytes: Uint8Array; contentType: string; cacheControl?: string };

export function json(body: unknown, status = 200): HandlerResult {
  return { status, body };
}

export function html(page: string, status = 200): HandlerResult {
  return { status, html: page };
}
