import path from 'node:path';
import { CurationError } from '../errors.ts';
import { LocalFileTree, type FileTree } from './file-tree.ts';
import { DEFAULT_MAX_FILE_BYTES } from './safe-file.ts';
import { parsePmcMetadata, type PmcMetadata } from './pmc-metadata.ts';
import type { ArticleBundle, ArticleRef, ArticleSource, ListOptions } from './types.ts';

export interface DirectorySourceOptions {
  /** A directory whose sub-directories are articles (one XML each, plus media). */
  root: string;
  /** Largest file read (XML, metadata, media); checked before reading and enforced while reading. @defaultValue 256 MiB */
  maxFileBytes?: number;
  /** Where the files are read from. @defaultValue the local disk under `root` (LocalFileTree) */
  tree?: FileTree;
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
  private readonly tree: FileTree;

  constructor(private readonly options: DirectorySourceOptions) {
    this.description = `directory ${options.root}`;
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.tree = options.tree ?? new LocalFileTree(options.root);
  }

  async *list(options: ListOptions = {}): AsyncIterable<ArticleRef> {
    const entries = await this.tree.list('').catch((error: NodeJS.ErrnoException) => {
      throw new CurationError('InvalidInput', `cannot read ${this.options.root}: ${error.code ?? error.message}; pass a directory of article folders`);
    });
    // Real directories only: a symbolic link to a folder elsewhere is not an article of this source.
    const folders = entries.filter((entry) => entry.folder).map((entry) => entry.name);
    let count = 0;
    for (const folder of folders) {
      if (options.limit !== undefined && count >= options.limit) return;
      if (options.since && !((await this.tree.modified(folder)) > options.since)) continue;
      count += 1;
      yield { key: `dir:${folder}`, sourceKind: 'dir', location: path.join(this.options.root, folder) };
    }
  }

  /** The article folder a ref names, relative to the root; a location elsewhere is refused. */
  private folderOf(ref: ArticleRef): string {
    const folder = path.basename(ref.location);
    if (path.join(this.options.root, folder) !== path.join(ref.location)) {
      throw new CurationError('UnsafeFile', `${ref.location} is not an article folder of the source ${this.options.root}`);
    }
    return folder;
  }

  async open(ref: ArticleRef): Promise<ArticleBundle> {
    const folder = this.folderOf(ref);
    const files = (
      await this.tree.list(folder).catch((error: unknown) => {
        if (error instanceof CurationError) throw error;
        throw new CurationError('ArticleNotFound', `${ref.location} no longer exists`);
      })
    ).map((entry) => entry.name);
    const read = (name: string, subject?: string) =>
      this.tree.read(`${folder}/${path.basename(name)}`, { maxBytes: this.maxFileBytes, ...(subject ? { subject } : {}) });
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
