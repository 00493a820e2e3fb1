import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { isS3NotFound as isNotFound } from '@pmc-curator/store/storage';

/**
 * Where an export is written: a local directory or an S3 prefix. Files appear whole or not at all: locally a shard
 * is written to `<name>.partial` and renamed when complete; on S3 it is one multipart upload that only becomes an
 * object when it completes (an interrupted one stays invisible). Every file written is hashed as it streams.
 */

interface Committed {
  sha256: string;
  bytes: number;
}

export interface ShardOutput {
  /** Write the file's bytes here (respect backpressure: `await drained(stream)` after a write returns false). */
  readonly stream: Writable;
  /** Ends the stream and makes the file visible under its name. */
  commit(): Promise<Committed>;
  /** Drops what was written. */
  abort(): Promise<void>;
}

export interface Sink {
  /** The directory or `s3://bucket/prefix`. */
  readonly location: string;
  open(name: string, contentType?: string): ShardOutput;
  put(name: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  read(name: string): Promise<Uint8Array | null>;
  /** Size of a file, or null when there is none. */
  size(name: string): Promise<number | null>;
  /** Whether `put` may skip a content-addressed file that is already there (cheap to check locally only). */
  readonly checksExisting: boolean;
}

export interface S3Location {
  bucket: string;
  prefix: string;
}

export function parseS3Url(out: string): S3Location | null {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(out);
  if (!match) return null;
  return { bucket: match[1]!, prefix: match[2]!.replace(/\/+$/, '') };
}

/** Waits until a stream that returned false from write() can take more. */
export function drained(stream: Writable): Promise<void> {
  if (!stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      stream.off('error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      stream.off('drain', onDrain);
      reject(error);
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}

/** A Writable that hashes and counts what passes through to `forward`. */
class HashingWritable extends Writable {
  readonly hash = createHash('sha256');
  bytes = 0;
  constructor(private readonly forward: (chunk: Buffer) => Promise<void>) {
    super({ highWaterMark: 4 * 1024 * 1024 });
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.byteLength;
    this.forward(chunk).then(() => callback(), callback);
  }
}

function endStream(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

export class LocalSink implements Sink {
  readonly checksExisting = true;
  constructor(readonly location: string) {}

  private file(name: string): string {
    return path.join(this.location, ...name.split('/'));
  }

  open(name: string): ShardOutput {
    const final = this.file(name);
    const partial = `${final}.partial`;
    let handle: Promise<FileHandle> | null = null;
    const fileHandle = () =>
      (handle ??= mkdir(path.dirname(final), { recursive: true }).then(() => open(partial, 'w')));
    const stream = new HashingWritable(async (chunk) => {
      const h = await fileHandle();
      await h.write(chunk);
    });
    return {
      stream,
      commit: async () => {
        await endStream(stream);
        const h = await fileHandle();
        await h.sync();
        await h.close();
        await rename(partial, final);
        return { sha256: stream.hash.digest('hex'), bytes: stream.bytes };
      },
      abort: async () => {
        stream.destroy();
        if (handle) await (await handle).close().catch(() => {});
        await rm(partial, { force: true });
      },
    };
  }

  async put(name: string, body: Uint8Array | string): Promise<void> {
    const final = this.file(name);
    await mkdir(path.dirname(final), { recursive: true });
    const partial = `${final}.partial`;
    await writeFile(partial, body);
    await rename(partial, final);
  }

  async read(name: string): Promise<Uint8Array | null> {
    return readFile(this.file(name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
  }

  async size(name: string): Promise<number | null> {
    return stat(this.file(name)).then(
      (info) => info.size,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return null;
        throw error;
      },
    );
  }
}

/** Writes with lib-storage multipart uploads (8 MiB parts, two in flight): memory stays bounded for any shard size. */
export class S3Sink implements Sink {
  readonly checksExisting = false;
  readonly location: string;
  constructor(
    private readonly client: S3Client,
    private readonly target: S3Location,
  ) {
    this.location = `s3://${target.bucket}/${target.prefix}`;
  }

  private key(name: string): string {
    return this.target.prefix ? `${this.target.prefix}/${name}` : name;
  }

  open(name: string, contentType = 'application/octet-stream'): ShardOutput {
    const body = new PassThrough({ highWaterMark: 1024 * 1024 });
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.target.bucket, Key: this.key(name), Body: body, ContentType: contentType },
      partSize: 8 * 1024 * 1024,
      queueSize: 2,
      leavePartsOnError: false,
    });
    const done = upload.done();
    done.catch(() => {});
    const stream = new HashingWritable(async (chunk) => {
      if (!body.write(chunk)) await Promise.race([drained(body), done.then(() => {})]);
    });
    return {
      stream,
      commit: async () => {
        await endStream(stream);
        body.end();
        await done;
        return { sha256: stream.hash.digest('hex'), bytes: stream.bytes };
      },
      abort: async () => {
        stream.destroy();
        await upload.abort().catch(() => {});
        body.destroy();
      },
    };
  }

  async put(name: string, body: Uint8Array | string, contentType = 'application/octet-stream'): Promise<void> {
    await new Upload({ client: this.client, params: { Bucket: this.target.bucket, Key: this.key(name), Body: body, ContentType: contentType } }).done();
  }

  async read(name: string): Promise<Uint8Array | null> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.target.bucket, Key: this.key(name) }));
      return response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async size(name: string): Promise<number | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.target.bucket, Key: this.key(name) }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }
}
