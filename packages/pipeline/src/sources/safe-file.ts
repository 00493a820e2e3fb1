import { constants } from 'node:fs';
import { lstat, open, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { CurationError } from '../errors.ts';

/** Largest file a source reads unless told otherwise. */
export const DEFAULT_MAX_FILE_BYTES = 256 * 2 ** 20;

export interface SafeReadOptions {
  /** The file must lie inside this directory once every symbolic link is resolved. */
  root: string;
  /** Largest file accepted; checked before reading and enforced while reading (a file that grows is cut off). */
  maxBytes: number;
  /** Ledger subject of a refusal (e.g. the media name). */
  subject?: string;
}

const kindOf = (info: { isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean; isDirectory(): boolean }) =>
  info.isFIFO() ? 'a FIFO' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isSocket() ? 'a socket' : info.isDirectory() ? 'a directory' : 'not a regular file';

const inside = (root: string, target: string) => {
  const relative = path.relative(root, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
};

/**
 * Reads one regular file of a local source. Refused, with a permanent error: a path that resolves (through
 * symbolic links) outside `root` and anything that is not a regular file (FIFO, device, socket, directory):
 * `UnsafeFile`; a file over `maxBytes`: `FileTooLarge`. A missing file gives `ArticleNotFound`. The file is
 * opened without blocking and without following a link swapped in after the checks, and re-checked on the
 * open descriptor, so a FIFO or a growing file can never wedge or flood the reader.
 */
export async function readSafeFile(file: string, options: SafeReadOptions): Promise<Uint8Array> {
  const subject = options.subject ? { subject: options.subject } : {};
  const unsafe = (why: string) => new CurationError('UnsafeFile', `${file} ${why}; only regular files inside ${options.root} are read`, subject);
  try {
    await lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CurationError('ArticleNotFound', `${file} does not exist`, subject);
    throw new CurationError('SourceUnavailable', `cannot read ${file}: ${(error as Error).message}`, { ...subject, cause: error });
  }
  let target: string;
  let root: string;
  try {
    [target, root] = await Promise.all([realpath(file), realpath(options.root)]);
  } catch (error) {
    // A dangling link, or a loop.
    throw unsafe(`is a link that cannot be resolved (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (!inside(root, target)) throw unsafe(`resolves to ${target}, outside the source`);
  let handle: FileHandle;
  try {
    handle = await open(target, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw unsafe('was replaced by a symbolic link');
    if (code === 'ENOENT') throw new CurationError('ArticleNotFound', `${file} does not exist`, subject);
    if (code === 'ENXIO') throw unsafe('is a FIFO or socket');
    throw new CurationError('SourceUnavailable', `cannot open ${file}: ${(error as Error).message}`, { ...subject, cause: error });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw unsafe(`is ${kindOf(info)}`);
    const tooLarge = (size: string) => new CurationError('FileTooLarge', `${file} is ${size} bytes, over the ${options.maxBytes}-byte limit`, subject);
    if (info.size > options.maxBytes) throw tooLarge(String(info.size));
    // One byte more than allowed tells a file that grew past the limit since the check.
    const buffer = Buffer.allocUnsafe(Math.min(options.maxBytes + 1, Math.max(info.size + 1, 64 * 1024)));
    let length = 0;
    let chunk = buffer;
    for (;;) {
      if (length === chunk.length) {
        const grown = Buffer.allocUnsafe(Math.min(options.maxBytes + 1, chunk.length * 2));
        chunk.copy(grown, 0, 0, length);
        chunk = grown;
      }
      const { bytesRead } = await handle.read(chunk, length, chunk.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > options.maxBytes) throw tooLarge(`more than ${options.maxBytes}`);
    }
    return new Uint8Array(chunk.buffer, chunk.byteOffset, length);
  } finally {
    await handle.close();
  }
}

/** Refuses (UnsafeFile) a path that resolves outside `root`; a path that does not exist passes (the read says so). */
export async function assertInside(root: string, location: string): Promise<void> {
  let target: string;
  let base: string;
  try {
    [target, base] = await Promise.all([realpath(location), realpath(root)]);
  } catch {
    return;
  }
  if (!inside(base, target)) throw new CurationError('UnsafeFile', `${location} resolves to ${target}, outside the source ${root}`);
}
