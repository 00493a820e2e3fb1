import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

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

export function createS3Client(options: S3ConnectionOptions): S3Client {
  const credentials =
    options.anonymous || !options.accessKeyId || !options.secretAccessKey
      ? undefined
      : { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey };
  return new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? Boolean(options.endpoint),
    maxAttempts: options.maxAttempts ?? 5,
    ...(credentials ? { credentials } : {}),
    ...(options.anonymous ? { signer: { sign: async (request: unknown) => request } } : {}),
  } as S3ClientConfig);
}
