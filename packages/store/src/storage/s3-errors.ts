import { CurationError } from '@pmc-curator/pipeline/errors';

/**
 * The one reading of AWS SDK (S3) errors for the store, the source reader and the export sink.
 *
 * - `not-found`: 404, `NoSuchKey`, `NotFound` (HeadObject has no body, so only the status or `NotFound`).
 * - `forbidden`: 403 / `AccessDenied` (wrong credentials or policy; the same for a missing key without ListBucket).
 * - `throttled`: 429, `SlowDown` (S3's 503), `ThrottlingException` and the SDK's other throttling codes.
 * - `server`: any other 5xx (`InternalError`, `ServiceUnavailable`).
 * - `network`: no HTTP answer at all: a Node socket code (ECONNREFUSED, ECONNRESET, ETIMEDOUT, ...) or the SDK's
 *   `TimeoutError` / `RequestTimeout`.
 * - `other`: the rest (a 400 of a bad request, a bug).
 */
export type S3ErrorKind = 'not-found' | 'forbidden' | 'throttled' | 'server' | 'network' | 'other';

const THROTTLING_NAMES = new Set([
  'SlowDown',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
]);

/** The HTTP status the SDK attached to an error, if it got an answer. */
export function s3HttpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

function nameOf(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : 'Error';
}

export function s3ErrorKind(error: unknown): S3ErrorKind {
  const name = nameOf(error);
  const status = s3HttpStatus(error);
  if (status === 404 || name === 'NoSuchKey' || name === 'NotFound') return 'not-found';
  if (status === 403 || name === 'AccessDenied') return 'forbidden';
  if (status === 429 || THROTTLING_NAMES.has(name) || (error as { $retryable?: { throttling?: boolean } } | null)?.$retryable?.throttling) return 'throttled';
  if (status !== undefined && status >= 500) return 'server';
  const code = (error as { code?: unknown } | null)?.code;
  if ((typeof code === 'string' && NETWORK_CODES.has(code)) || name === 'TimeoutError' || name === 'RequestTimeout') return 'network';
  return 'other';
}

/** A missing key (or bucket): 404, NoSuchKey, NotFound. */
export function isS3NotFound(error: unknown): boolean {
  return s3ErrorKind(error) === 'not-found';
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * An error of the curated bucket (the object store) in the taxonomy: StorageUnavailable (transient) whatever the
 * SDK said; callers that expect a missing key check `isS3NotFound` first (and say ObjectVanished or "absent").
 */
export function storageError(error: unknown, key: string): CurationError {
  if (error instanceof CurationError) return error;
  return new CurationError('StorageUnavailable', `object store failed on ${key}: ${describe(error)}`, { cause: error, subject: key });
}

/**
 * An error of the PMC source bucket in the taxonomy: a missing key is ObjectVanished, throttling Throttled, the rest
 * (403, 5xx, network) SourceUnavailable; all transient, so a blip is retried and a lasting one lands in the ledger.
 */
export function sourceError(error: unknown, key: string): CurationError {
  if (error instanceof CurationError) return error;
  const kind = s3ErrorKind(error);
  if (kind === 'not-found') {
    return new CurationError('ObjectVanished', `s3 object ${key} does not exist (or vanished while being read)`, { subject: key, cause: error });
  }
  if (kind === 'throttled') {
    return new CurationError('Throttled', `the source throttled the request for ${key}; lower PMC_SOURCE_RPS`, { subject: key, cause: error });
  }
  const status = s3HttpStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  return new CurationError('SourceUnavailable', `reading ${key} failed (${nameOf(error)}${status ? ` ${status}` : ''}): ${message}`, { subject: key, cause: error });
}
