import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CurationError } from '../errors.ts';
import { assertInside, DEFAULT_MAX_FILE_BYTES, readSafeFile } from './safe-file.ts';
import { parsePmcMetadata, type PmcMetadata } from './pmc-metadata.ts';
import type { ArticleBundle, ArticleRef, ArticleSource, ListOptions } from './types.ts';

export interface DirectorySourceOptions {
  /** A directory whose sub-directories are articles (one XML each, plus media). */
  root: string;
  /** Largest file read (XML, metadata, media); checked before reading and enforced while reading. @defaultValue 256 MiB */
  maxFileBytes?: number;
}

const XML_FILE = /\.(nxml|xml)$/i;
const METADATA_FILE = /^PMC\d+\.\d+\.json$/;

/**
 * A plain local directory of article folders; a `PMC<id>.<ver>.json` in a folder is used as metadata.
 * Only regular files inside the root are read: symbolic links that leave the root, FIFOs, devices and
 * sockets are refused (UnsafeFile), and files over `maxFileBytes` are refused (FileTooLarge) before reading.
 */
export class DirectorySource implements ArticleSource {
  readonly kind = 'dir' as const;
  readonly description: string;
  private readonly maxFileBytes: number;

  constructor(private readonly options: DirectorySourceOptions) {
    this.description = `directory ${options.root}`;
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  async *list(options: ListOptions = {}): AsyncIterable<ArticleRef> {
    const entries = await readdir(this.options.root, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      throw new CurationError('InvalidInput', `cannot read ${this.options.root}: ${error.code ?? error.message}; pass a directory of article folders`);
    });
    // Real directories only: a symbolic link to a folder elsewhere is not an article of this source.
    const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
    let count = 0;
    for (const folder of folders) {
      if (options.limit !== undefined && count >= options.limit) return;
      const location = path.join(this.options.root, folder);
      if (options.since) {
        const info = await stat(location);
        if (!(info.mtime > options.since)) continue;
      }
      count += 1;
      yield { key: `dir:${folder}`, sourceKind: 'dir', location };
    }
  }

  async open(ref: ArticleRef): Promise<ArticleBundle> {
    await assertInside(this.options.root, ref.location);
    const files = await readdir(ref.location).catch(() => {
      throw new CurationError('ArticleNotFound', `${ref.location} no longer exists`);
    });
    const read = (name: string, subject?: string) =>
      readSafeFile(path.join(ref.location, path.basename(name)), { root: this.options.root, maxBytes: this.maxFileBytes, ...(subject ? { subject } : {}) });
    const xmlName = files.find((file) => file.toLowerCase().endsWith('.nxml')) ?? files.find((file) => XML_FILE.test(file));
    if (!xmlName) throw new CurationError('ArticleNotFound', `${ref.location} holds no .xml or .nxml file`);
    const metadataName = files.find((file) => METADATA_FILE.test(file));
    let metadata: PmcMetadata | null = null;
    if (metadataName) metadata = parsePmcMetadata(await read(metadataName), metadataName);
    const media = files.filter((file) => file !== xmlName && file !== metadataName && !file.startsWith('.'));
    const resolved: ArticleRef = metadata
      ? { ...ref, key: `${metadata.pmcid}.${metadata.version}`, pmcid: metadata.pmcid, version: metadata.version }
      : ref;
    return {
      ref: resolved,
      metadata,
      xml: await read(xmlName),
      media: {
        names: media,
        read: (name) =>
          read(name, name).catch((error: unknown) => {
            if (error instanceof CurationError && error.errorClass !== 'ArticleNotFound') throw error;
            throw new CurationError('MissingImage', `${name} is missing from ${ref.location}`, { subject: name });
          }),
      },
    };
  }
}
