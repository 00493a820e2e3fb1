import { Parser, type ReadEntry } from 'tar';
import { CurationError } from '../errors.ts';

export interface TarReadOptions {
  /** Largest total of extracted bytes accepted. @defaultValue 2 GiB */
  maxTotalBytes?: number;
  /** Most entries accepted. @defaultValue 10,000 */
  maxEntries?: number;
}

/** True when an entry name would escape the extraction root. */
export function isUnsafeEntryPath(name: string): boolean {
  const normalised = name.replace(/\\/g, '/');
  if (normalised.startsWith('/') || /^[a-zA-Z]:/.test(normalised)) return true;
  return normalised.split('/').some((part) => part === '..');
}

/**
 * Reads a (gzipped) tar into memory: regular files only, by name. Path traversal, links and oversized
 * archives are refused with `UnsafeArchive`; a damaged archive gives `CorruptArchive`.
 */
export function readTarArchive(bytes: Uint8Array, where: string, options: TarReadOptions = {}): Promise<Map<string, Uint8Array>> {
  const maxTotal = options.maxTotalBytes ?? 2 * 1024 ** 3;
  const maxEntries = options.maxEntries ?? 10_000;
  return new Promise((resolve, reject) => {
    const files = new Map<string, Uint8Array>();
    let total = 0;
    let entries = 0;
    let failed = false;
    const fail = (error: CurationError) => {
      if (failed) return;
      failed = true;
      reject(error);
    };
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        entries += 1;
        if (entries > maxEntries) return fail(new CurationError('UnsafeArchive', `${where} has more than ${maxEntries} entries`));
        if (isUnsafeEntryPath(entry.path)) {
          return fail(new CurationError('UnsafeArchive', `${where} contains an entry that escapes the archive: "${entry.path}"`));
        }
        if (entry.type === 'SymbolicLink' || entry.type === 'Link') {
          return fail(new CurationError('UnsafeArchive', `${where} contains a link entry "${entry.path}" → "${entry.linkpath}"`));
        }
        if (entry.type !== 'File' && entry.type !== 'OldFile') {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > maxTotal) fail(new CurationError('UnsafeArchive', `${where} expands beyond ${maxTotal} bytes`));
          else chunks.push(chunk);
        });
        entry.on('end', () => files.set(entry.path.replace(/\\/g, '/'), Buffer.concat(chunks)));
      },
    });
    parser.on('warn', (code: string, message: string) => fail(new CurationError('CorruptArchive', `${where}: ${code} ${message}`)));
    parser.on('error', (error: Error) => fail(new CurationError('CorruptArchive', `${where}: ${error.message}`)));
    parser.on('end', () => {
      if (failed) return;
      if (entries === 0) fail(new CurationError('CorruptArchive', `${where} holds no entries`));
      else resolve(files);
    });
    try {
      parser.end(Buffer.from(bytes));
    } catch (error) {
      fail(new CurationError('CorruptArchive', `${where}: ${(error as Error).message}`));
    }
  });
}
