import { NoSuchKey, NotFound, S3ServiceException } from '@aws-sdk/client-s3';
import { CurationError } from '@pmc-curator/pipeline/errors';
import { describe, expect, it } from 'vitest';
import { isS3NotFound, s3ErrorKind, s3HttpStatus, sourceError, storageError } from './s3-errors.ts';

/** An error as the SDK throws it: a service exception with the HTTP status in $metadata. */
function sdkError(name: string, status: number | undefined, extra: Record<string, unknown> = {}): S3ServiceException {
  return Object.assign(new S3ServiceException({ name, $fault: status && status >= 500 ? 'server' : 'client', $metadata: status ? { httpStatusCode: status } : {}, message: `${name} happened` }), extra);
}

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:4568`), { code });
}

describe('S3 error mapping', () => {
  it('reads the kind from the status, the error name and socket codes', () => {
    expect(s3ErrorKind(new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: 'gone' }))).toBe('not-found');
    expect(s3ErrorKind(new NotFound({ $metadata: {}, message: '' }))).toBe('not-found');
    expect(s3ErrorKind(sdkError('UnknownError', 404))).toBe('not-found');
    expect(s3ErrorKind(sdkError('AccessDenied', 403))).toBe('forbidden');
    expect(s3ErrorKind(sdkError('Forbidden', 403))).toBe('forbidden');
    expect(s3ErrorKind(sdkError('SlowDown', 503))).toBe('throttled');
    expect(s3ErrorKind(sdkError('TooManyRequests', 429))).toBe('throttled');
    expect(s3ErrorKind(sdkError('ThrottlingException', 400))).toBe('throttled');
    expect(s3ErrorKind(sdkError('Weird', 400, { $retryable: { throttling: true } }))).toBe('throttled');
    expect(s3ErrorKind(sdkError('InternalError', 500))).toBe('server');
    expect(s3ErrorKind(sdkError('ServiceUnavailable', 503))).toBe('server');
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE']) expect(s3ErrorKind(networkError(code)), code).toBe('network');
    expect(s3ErrorKind(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }))).toBe('network');
    expect(s3ErrorKind(sdkError('InvalidArgument', 400))).toBe('other');
    expect(s3ErrorKind(new TypeError('bug'))).toBe('other');
    expect(s3ErrorKind('a string')).toBe('other');
    expect(s3ErrorKind(null)).toBe('other');
    expect(s3HttpStatus(sdkError('X', 502))).toBe(502);
    expect(isS3NotFound(sdkError('NoSuchKey', 404))).toBe(true);
    expect(isS3NotFound(sdkError('AccessDenied', 403))).toBe(false);
  });

  it('the source reader: missing key ObjectVanished, throttling Throttled, 403/5xx/network SourceUnavailable, all transient', () => {
    const cases: Array<[unknown, string]> = [
      [sdkError('NoSuchKey', 404), 'ObjectVanished'],
      [sdkError('SlowDown', 503), 'Throttled'],
      [sdkError('TooManyRequests', 429), 'Throttled'],
      [sdkError('AccessDenied', 403), 'SourceUnavailable'],
      [sdkError('InternalError', 500), 'SourceUnavailable'],
      [networkError('ECONNREFUSED'), 'SourceUnavailable'],
      [new Error('odd'), 'SourceUnavailable'],
    ];
    for (const [error, errorClass] of cases) {
      const mapped = sourceError(error, 'oa_comm/xml/all/PMC1.xml');
      expect(mapped, String(error)).toMatchObject({ errorClass, permanent: false, subject: 'oa_comm/xml/all/PMC1.xml', cause: error });
    }
    expect(sourceError(sdkError('InternalError', 500), 'k').message).toBe('reading k failed (InternalError 500): InternalError happened');
    const already = new CurationError('ObjectVanished', 'no body');
    expect(sourceError(already, 'k')).toBe(already);
  });

  it('the curated store: StorageUnavailable (transient) for anything the SDK throws; a CurationError passes through', () => {
    for (const error of [sdkError('AccessDenied', 403), sdkError('SlowDown', 503), sdkError('InternalError', 500), networkError('ECONNRESET')]) {
      expect(storageError(error, 'crops/x.jpg')).toMatchObject({ errorClass: 'StorageUnavailable', permanent: false, subject: 'crops/x.jpg' });
    }
    expect(storageError(networkError('ECONNREFUSED'), 'b').message).toBe('object store failed on b: Error: connect ECONNREFUSED 127.0.0.1:4568');
    const vanished = new CurationError('ObjectVanished', 'gone');
    expect(storageError(vanished, 'k')).toBe(vanished);
  });
});
