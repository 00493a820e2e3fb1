import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import Bottleneck from 'bottleneck';
import { CurationError } from '@pmc-curator/pipeline/errors';
import type { BlobReader } from '@pmc-curator/pipeline/sources';
import { sourceError } from './s3-errors.ts';

export interface S3BlobReaderOptions {
  client: S3Client;
  bucket: string;
  /** Requests per second to this bucket; 0 = unlimited. @defaultValue 0 */
  requestsPerSecond?: number;
}

/** BlobReader over S3 with an optional request-rate limit shared by every call of this reader. */
export class S3BlobReader implements BlobReader {
  private readonly limiter: Bottleneck | null;

  constructor(private readonly options: S3BlobReaderOptions) {
    const rps = options.requestsPerSecond ?? 0;
    this.limiter = rps > 0 ? new Bottleneck({ minTime: Math.ceil(1000 / rps), maxConcurrent: null }) : null;
  }

  private schedule<T>(task: () => Promise<T>): Promise<T> {
    return this.limiter ? this.limiter.schedule(task) : task();
  }

  get(key: string): Promise<Uint8Array> {
    return this.schedule(async () => {
      try {
        const response = await this.options.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
        if (!response.Body) throw new CurationError('ObjectVanished', `s3 object ${key} returned no body`, { subject: key });
        return await response.Body.transformToByteArray();
      } catch (error) {
        throw sourceError(error, key);
      }
    });
  }

  async *listKeys(prefix: string): AsyncIterable<{ key: string; lastModified?: Date }> {
    for await (const page of this.pages(prefix, undefined)) {
      for (const item of page.Contents ?? []) {
        if (item.Key) yield { key: item.Key, ...(item.LastModified ? { lastModified: item.LastModified } : {}) };
      }
    }
  }

  async *listPrefixes(prefix: string, delimiter: string): AsyncIterable<string> {
    for await (const page of this.pages(prefix, delimiter)) {
      for (const item of page.CommonPrefixes ?? []) if (item.Prefix) yield item.Prefix;
    }
  }

  private async *pages(prefix: string, delimiter: string | undefined) {
    let token: string | undefined;
    do {
      const page = await this.schedule(() =>
        this.options.client
          .send(
            new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, Delimiter: delimiter, ContinuationToken: token }),
          )
          .catch((error: unknown) => {
            throw sourceError(error, prefix);
          }),
      );
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}
