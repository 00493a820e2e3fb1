/**
 * The error taxonomy shared by every stage. Each error has a stable `errorClass` (stored in the failure
 * ledger and shown on the dashboard) and a `kind`: `permanent` errors come from bad input and are never
 * retried; `transient` errors (network, throttling, a server restarting) are retried with backoff.
 */
export type ErrorKind = 'permanent' | 'transient';

export const ERROR_CLASSES = {
  MalformedXml: 'permanent',
  MissingMetadata: 'permanent',
  InvalidMetadata: 'permanent',
  MissingImage: 'permanent',
  CorruptImage: 'permanent',
  EmptyImage: 'permanent',
  UnsupportedFormat: 'permanent',
  DecompressionBomb: 'permanent',
  ImageTooSmall: 'permanent',
  ImageTooLarge: 'permanent',
  UnsafeArchive: 'permanent',
  /** A source file that is not a regular file inside the source (FIFO, device, socket, a link leading out). */
  UnsafeFile: 'permanent',
  /** A source file (or archive entry) over the size limit. */
  FileTooLarge: 'permanent',
  /** A figure caption over the length limit. */
  CaptionTooLong: 'permanent',
  CorruptArchive: 'permanent',
  ArticleNotFound: 'permanent',
  LicenseExcluded: 'permanent',
  Retracted: 'permanent',
  InvalidInput: 'permanent',
  /** A queue job whose data does not match its schema (a blank job added through bull-board, say). */
  InvalidJob: 'permanent',
  Timeout: 'transient',
  /** A task's process went over its memory limit and was killed (it may have shared it with others: retried). */
  MemoryLimitExceeded: 'transient',
  SourceUnavailable: 'transient',
  ObjectVanished: 'transient',
  StorageUnavailable: 'transient',
  DatabaseUnavailable: 'transient',
  Throttled: 'transient',
  Internal: 'transient',
} as const satisfies Record<string, ErrorKind>;

export type ErrorClass = keyof typeof ERROR_CLASSES;

export interface CurationErrorOptions {
  /** What the error concerns, e.g. a figure id or object key; recorded in the ledger. */
  subject?: string;
  cause?: unknown;
}

/** A classified failure. Throw it from pipeline code; stages record it in the failure ledger. */
export class CurationError extends Error {
  readonly errorClass: ErrorClass;
  readonly kind: ErrorKind;
  readonly subject: string | undefined;

  constructor(errorClass: ErrorClass, message: string, options: CurationErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CurationError';
    this.errorClass = errorClass;
    this.kind = ERROR_CLASSES[errorClass];
    this.subject = options.subject;
  }

  get permanent(): boolean {
    return this.kind === 'permanent';
  }
}

export function isCurationError(error: unknown): error is CurationError {
  return error instanceof CurationError;
}

const TRANSIENT_NODE_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Turns anything thrown into a CurationError. Unknown errors count as `Internal` (transient) so that a
 * bug is retried a bounded number of times and then lands in the ledger rather than being lost.
 */
export function classifyError(error: unknown): CurationError {
  if (error instanceof CurationError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TRANSIENT_NODE_CODES.has(code)) {
    return new CurationError('SourceUnavailable', `${code}: ${message}`, { cause: error });
  }
  return new CurationError('Internal', message, { cause: error });
}

/** Failures that are expected are returned as values, not thrown. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: CurationError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(error: CurationError): Result<T> => ({ ok: false, error });
