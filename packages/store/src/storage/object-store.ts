import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CurationError } from '@pmc-curator/pipeline/errors';
import { isS3NotFound as isNotFound, s3ErrorKind, storageError } from './s3-errors.ts';

/** Where curated bytes go. Keys are content-addressed, so writing the same bytes twice is a no-op. */
export interface ObjectStore {
  readonly bucket: string;
  /** Writes the object unless an object of the same size already exists at the key. Returns true if written. */
  putIfAbsent(key: string, body: Uint8Array, contentType: string): Promise<boolean>;
  get(key: string): Promise<Uint8Array>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  list(prefix: string): AsyncIterable<string>;
}


export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
  ) {}

  /** Throws StorageUnavailable when the bucket cannot be reached (workers probe it during outages). */
  async ping(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      throw storageError(error, this.bucket);
    }
  }

  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      if (!isNotFound(error) && s3ErrorKind(error) !== 'forbidden') throw storageError(error, this.bucket);
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket })).catch((createError: unknown) => {
        const name = (createError as { name?: string }).name;
        if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw storageError(createError, this.bucket);
      });
    }
  }

  async putIfAbsent(key: string, body: Uint8Array, contentType: string): Promise<boolean> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })).catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
      if (head && head.ContentLength === body.byteLength) return false;
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
      return true;
    } catch (error) {
      throw storageError(error, key);
    }
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!response.Body) throw new CurationError('ObjectVanished', `object ${key} has no body`, { subject: key });
      return await response.Body.transformToByteArray();
    } catch (error) {
      if (isNotFound(error)) throw new CurationError('ObjectVanished', `object ${key} is missing from ${this.bucket}`, { subject: key });
      throw storageError(error, key);
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw storageError(error, key);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      throw storageError(error, key);
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    for await (const entry of this.listEntries(prefix)) yield entry.key;
  }

  /** Keys with their last-modified time, page by page (the SDK's paginator). */
  async *listEntries(prefix: string): AsyncIterable<{ key: string; lastModified: Date | null }> {
    try {
      for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix })) {
        for (const item of page.Contents ?? []) if (item.Key) yield { key: item.Key, lastModified: item.LastModified ?? null };
      }
    } catch (error) {
      throw storageError(error, prefix);
    }
  }
}
