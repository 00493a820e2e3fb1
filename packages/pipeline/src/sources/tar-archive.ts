import { Parser, type ReadEntry } from 'tar';
import { CurationError } from '../errors.ts';

export interface TarReadOptions {
  /** Largest total of extracted bytes (every entry, kept or not); past it the archive is a DecompressionBomb. @defaultValue 1 GiB */
  maxTotalBytes?: number;
  /** Largest entry kept in memory; a larger one is drained and listed in `oversized` (FileTooLarge when read). @defaultValue 256 MiB */
  maxEntryBytes?: number;
  /** Most entries accepted. @defaultValue 10,000 */
  maxEntries?: number;
}

export interface TarContents {
  /** Regular files by name (with '/' separators), in archive order. */
  files: Map<string, Uint8Array>;
  /** Regular files over `maxEntryBytes`, by name: their size. They were not kept. */
  oversized: Map<string, number>;
}

/** Compressed bytes handed to the parser at a time, so a bomb is stopped within one chunk's expansion. */
const INPUT_CHUNK = 64 * 1024;

/** True when an entry name would escape the extraction root. */
export function isUnsafeEntryPath(name: string): boolean {
  const normalised = name.replace(/\\/g, '/');
  if (normalised.startsWith('/') || /^[a-zA-Z]:/.test(normalised)) return true;
  return normalised.split('/').some((part) => part === '..');
}

/**
 * Reads a (gzipped) tar into memory: regular files only, by name, streamed with a running total. Path
 * traversal, links, devices and FIFOs are refused with `UnsafeArchive`; an archive whose entries expand past
 * `maxTotalBytes` is refused as a `DecompressionBomb` as soon as the total passes it (nothing beyond one
 * input chunk's expansion is inflated); a damaged archive gives `CorruptArchive`.
 */
export function readTarContents(bytes: Uint8Array, where: string, options: TarReadOptions = {}): Promise<TarContents> {
  const maxTotal = options.maxTotalBytes ?? 1024 * 2 ** 20;
  const maxEntry = options.maxEntryBytes ?? 256 * 2 ** 20;
  const maxEntries = options.maxEntries ?? 10_000;
  return new Promise((resolve, reject) => {
    const files = new Map<string, Uint8Array>();
    const oversized = new Map<string, number>();
    let total = 0;
    let entries = 0;
    let failed = false;
    /** Wakes the writer waiting for the parser to drain. */
    let wake: (() => void) | null = null;
    const fail = (error: CurationError) => {
      if (failed) return;
      failed = true;
      reject(error);
      wake?.();
    };
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        if (failed) return void entry.resume();
        entries += 1;
        if (entries > maxEntries) return fail(new CurationError('UnsafeArchive', `${where} has more than ${maxEntries} entries`));
        if (isUnsafeEntryPath(entry.path)) {
          return fail(new CurationError('UnsafeArchive', `${where} contains an entry that escapes the archive: "${entry.path}"`));
        }
        if (entry.type === 'SymbolicLink' || entry.type === 'Link') {
          return fail(new CurationError('UnsafeArchive', `${where} contains a link entry "${entry.path}" → "${entry.linkpath}"`));
        }
        if (entry.type === 'Directory') return void entry.resume();
        if (entry.type !== 'File' && entry.type !== 'OldFile') {
          return fail(new CurationError('UnsafeArchive', `${where} contains a ${entry.type} entry "${entry.path}"; only regular files are read`));
        }
        const name = entry.path.replace(/\\/g, '/');
        const declared = entry.size ?? 0;
        // Kept entries are copied into one buffer of their declared size (no second copy at the end).
        const keep = declared <= maxEntry;
        const body = keep ? Buffer.allocUnsafe(declared) : null;
        let length = 0;
        entry.on('data', (chunk: Buffer) => {
          if (failed) return;
          total += chunk.length;
          if (total > maxTotal) return fail(new CurationError('DecompressionBomb', `${where} expands beyond ${maxTotal} bytes`));
          if (body && length + chunk.length <= body.length) chunk.copy(body, length);
          length += chunk.length;
        });
        entry.on('end', () => {
          if (failed) return;
          if (body && length === body.length) files.set(name, new Uint8Array(body.buffer, body.byteOffset, length));
          else oversized.set(name, length);
        });
      },
    });
    parser.on('warn', (code: string, message: string) => fail(new CurationError('CorruptArchive', `${where}: ${code} ${message}`)));
    parser.on('error', (error: Error) =>
      // tar refuses a gzip stream that expands more than 1000-fold itself: that is a bomb, not damage.
      fail(new CurationError(/decompression ratio/i.test(error.message) ? 'DecompressionBomb' : 'CorruptArchive', `${where}: ${error.message}`)));
    parser.on('end', () => {
      if (failed) return;
      if (entries === 0) fail(new CurationError('CorruptArchive', `${where} holds no entries`));
      else resolve({ files, oversized });
    });
    const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    void (async () => {
      try {
        for (let offset = 0; offset < input.length && !failed; offset += INPUT_CHUNK) {
          if (!parser.write(input.subarray(offset, offset + INPUT_CHUNK)) && !failed) {
            // A failure wakes the writer too (the parser may then never drain).
            await new Promise<void>((drained) => {
              wake = drained;
              parser.once('drain', drained);
            });
            wake = null;
          }
        }
        if (!failed) parser.end();
      } catch (error) {
        fail(new CurationError('CorruptArchive', `${where}: ${(error as Error).message}`));
      }
    })();
  });
}
