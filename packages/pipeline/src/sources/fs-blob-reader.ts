import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CurationError } from '../errors.ts';
import type { BlobReader } from './types.ts';

/** A bucket mirrored on local disk (keys are relative paths), e.g. an `aws s3 sync` of pmc-oa-opendata. */
export class FsBlobReader implements BlobReader {
  constructor(private readonly root: string) {}

  private resolve(key: string): string {
    const full = path.resolve(this.root, key);
    if (!full.startsWith(path.resolve(this.root) + path.sep)) throw new CurationError('InvalidInput', `key "${key}" escapes the mirror root`);
    return full;
  }

  async get(key: string): Promise<Uint8Array> {
    return readFile(this.resolve(key)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw new CurationError('ObjectVanished', `${key} does not exist in ${this.root}`, { subject: key });
      throw new CurationError('SourceUnavailable', `cannot read ${key}: ${error.message}`, { subject: key });
    });
  }

  async *listKeys(prefix: string): AsyncIterable<{ key: string; lastModified?: Date }> {
    const keys = await this.walk('');
    for (const key of keys.filter((candidate) => candidate.startsWith(prefix)).sort()) {
      yield { key, lastModified: (await stat(this.resolve(key))).mtime };
    }
  }

  async *listPrefixes(prefix: string, delimiter: string): AsyncIterable<string> {
    const seen = new Set<string>();
    for await (const { key } of this.listKeys(prefix)) {
      const rest = key.slice(prefix.length);
      const cut = rest.indexOf(delimiter);
      if (cut < 0) continue;
      const common = prefix + rest.slice(0, cut + delimiter.length);
      if (!seen.has(common)) {
        seen.add(common);
        yield common;
      }
    }
  }

  private async walk(relative: string): Promise<string[]> {
    const entries = await readdir(path.join(this.root, relative), { withFileTypes: true }).catch(() => []);
    const keys: string[] = [];
    for (const entry of entries) {
      const key = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) keys.push(...(await this.walk(key)));
      else if (entry.isFile()) keys.push(key);
    }
    return keys;
  }
}
