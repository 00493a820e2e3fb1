import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CurationError } from '../errors.ts';
import { parsePmcMetadata, type PmcMetadata } from './pmc-metadata.ts';
import type { ArticleBundle, ArticleRef, ArticleSource, ListOptions } from './types.ts';

export interface DirectorySourceOptions {
  /** A directory whose sub-directories are articles (one XML each, plus media). */
  root: string;
}

const XML_FILE = /\.(nxml|xml)$/i;
const METADATA_FILE = /^PMC\d+\.\d+\.json$/;

/** A plain local directory of article folders; a `PMC<id>.<ver>.json` in a folder is used as metadata. */
export class DirectorySource implements ArticleSource {
  readonly kind = 'dir' as const;
  readonly description: string;

  constructor(private readonly options: DirectorySourceOptions) {
    this.description = `directory ${options.root}`;
  }

  async *list(options: ListOptions = {}): AsyncIterable<ArticleRef> {
    const entries = await readdir(this.options.root, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      throw new CurationError('InvalidInput', `cannot read ${this.options.root}: ${error.code ?? error.message}; pass a directory of article folders`);
    });
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
    const files = await readdir(ref.location).catch(() => {
      throw new CurationError('ArticleNotFound', `${ref.location} no longer exists`);
    });
    const xmlName = files.find((file) => file.toLowerCase().endsWith('.nxml')) ?? files.find((file) => XML_FILE.test(file));
    if (!xmlName) throw new CurationError('ArticleNotFound', `${ref.location} holds no .xml or .nxml file`);
    const metadataName = files.find((file) => METADATA_FILE.test(file));
    let metadata: PmcMetadata | null = null;
    if (metadataName) metadata = parsePmcMetadata(await readFile(path.join(ref.location, metadataName)), metadataName);
    const media = files.filter((file) => file !== xmlName && file !== metadataName && !file.startsWith('.'));
    const resolved: ArticleRef = metadata
      ? { ...ref, key: `${metadata.pmcid}.${metadata.version}`, pmcid: metadata.pmcid, version: metadata.version }
      : ref;
    return {
      ref: resolved,
      metadata,
      xml: await readFile(path.join(ref.location, xmlName)),
      media: {
        names: media,
        read: (name) =>
          readFile(path.join(ref.location, path.basename(name))).catch(() => {
            throw new CurationError('MissingImage', `${name} is missing from ${ref.location}`, { subject: name });
          }),
      },
    };
  }
}
