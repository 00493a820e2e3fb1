import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { FinalizeHandler, FinalizeHandlerArguments, MetadataBearer } from '@smithy/types';
import type { StoreSettings } from '../settings.ts';

export interface S3ConnectionOptions {
  endpoint?: string | undefined;
  region: string;
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  forcePathStyle?: boolean | undefined;
  /** Unsigned requests (public buckets such as pmc-oa-opendata). */
  anonymous?: boolean | undefined;
  /** SDK-level retry attempts for throttling and 5xx responses. @defaultValue 5 */
  maxAttempts?: number | undefined;
}

const ANONYMOUS_IDENTITY = { accessKeyId: 'anonymous', secretAccessKey: 'anonymous' };

export function createS3Client(options: S3ConnectionOptions): S3Client {
  const credentials = options.anonymous
    ? ANONYMOUS_IDENTITY
    : options.accessKeyId && options.secretAccessKey
      ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
      : undefined;
  const client = new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? Boolean(options.endpoint),
    maxAttempts: options.maxAttempts ?? 5,
    ...(credentials ? { credentials } : {}),
  } satisfies S3ClientConfig);
  if (options.anonymous) {
    // The SDK has no anonymous mode: sign with a dummy identity, then drop the signature so the request
    // goes out unsigned, as public buckets such as pmc-oa-opendata expect.
    client.middlewareStack.addRelativeTo(
      (next: FinalizeHandler<object, MetadataBearer>) => async (args: FinalizeHandlerArguments<object>) => {
        const headers = (args.request as { headers?: Record<string, string> }).headers;
        if (headers) {
          delete headers.authorization;
          delete headers['x-amz-date'];
          delete headers['x-amz-security-token'];
        }
        return next(args);
      },
      { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'dropSignatureForAnonymousAccess' },
    );
  }
  return client;
}

type CuratedS3Settings = Pick<StoreSettings, 'S3_ENDPOINT' | 'S3_REGION' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_FORCE_PATH_STYLE'>;

/** The client of the curated bucket (originals, normalised copies, crops, exports), from the settings. */
export function curatedS3Client(settings: CuratedS3Settings): S3Client {
  return createS3Client({
    endpoint: settings.S3_ENDPOINT,
    region: settings.S3_REGION,
    accessKeyId: settings.S3_ACCESS_KEY_ID,
    secretAccessKey: settings.S3_SECRET_ACCESS_KEY,
    forcePathStyle: settings.S3_FORCE_PATH_STYLE,
  });
}
