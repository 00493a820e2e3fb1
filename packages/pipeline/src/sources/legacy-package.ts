import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CurationError } from '../errors.ts';
import type { OaFileListEntry } from './oa-file-list.ts';
import { readTarArchive } from './tar-archive.ts';
import type { ArticleBundle, ArticleRef, ArticleSource, ListOptions } from './types.ts';

export interface LegacyPackageSourceOptions {
  /** A local directory holding PMCnnn.tar.gz files, or an http(s) mirror base URL. */
  location: string;
  /** Package names to fetch from an HTTP mirror (a mirror cannot be listed), e.g. ["PMC176545"] or paths "oa_package/08/e0/PMC13900.tar.gz". */
  names?: string[];
  /** Rows of a legacy oa_file_list.csv: package paths, PMCIDs and update dates (enables --since). */
  fileList?: OaFileListEntry[];
  /** Fetch implementation (for the HTTP mirror). @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
  /** Per-request timeout for the mirror. @defaultValue 60 s */
  timeoutMs?: number;
}

const PACKAGE_FILE = /^(PMC\d+|[^/]+?)\.tar\.gz$/;
const XML_FILE = /\.(nxml|xml)$/i;

/** Legacy `PMCnnn.tar.gz` packages (one .nxml + PDF + images) from a directory or an HTTP(S) mirror. */
export class LegacyPackageSource implements ArticleSource {
  readonly kind = 'legacy' as const;
  readonly description: string;
  private readonly isHttp: boolean;

  constructor(private readonly options: LegacyPackageSourceOptions) {
    this.isHttp = /^https?:\/\//i.test(options.location);
    this.description = `legacy packages at ${options.location}`;
  }

  async *list(options: ListOptions = {}): AsyncIterable<ArticleRef> {
    const { fileList } = this.options;
    const listed = fileList
      ? fileList.filter((entry) => !options.since || !entry.lastUpdated || entry.lastUpdated > options.since).map((entry) => entry.file)
      : undefined;
    const names = listed ?? this.options.names ?? (this.isHttp ? [] : await this.localPackageNames());
    if (this.isHttp && !listed && !this.options.names) {
      throw new CurationError('InvalidInput', 'an HTTP mirror cannot be listed: pass the package names (--ids FILE) or an oa_file_list.csv (--file-list FILE)');
    }
    let count = 0;
    for (const name of names) {
      if (options.limit !== undefined && count >= options.limit) return;
      count += 1;
      const file = name.endsWith('.tar.gz') ? name : `${name}.tar.gz`;
      const base = path.posix.basename(file).replace(/\.tar\.gz$/, '');
      const pmcid = /^PMC\d+$/.test(base) ? base : undefined;
      yield {
        key: `legacy:${base}`,
        sourceKind: 'legacy',
        location: this.isHttp ? new URL(file, this.options.location.replace(/\/?$/, '/')).toString() : path.join(this.options.location, file),
        ...(pmcid ? { pmcid } : {}),
      };
    }
  }

  private async localPackageNames(): Promise<string[]> {
    const entries = await readdir(this.options.location).catch((error: NodeJS.ErrnoException) => {
      throw new CurationError('InvalidInput', `cannot read ${this.options.location}: ${error.code ?? error.message}`);
    });
    return entries.filter((entry) => PACKAGE_FILE.test(entry)).sort();
  }

  async open(ref: ArticleRef): Promise<ArticleBundle> {
    const bytes = this.isHttp ? await this.download(ref.location) : await readLocal(ref.location);
    const files = await readTarArchive(bytes, ref.location);
    const xmlNames = [...files.keys()].filter((name) => XML_FILE.test(name));
    const xmlName = xmlNames.find((name) => name.toLowerCase().endsWith('.nxml')) ?? xmlNames[0];
    if (!xmlName) throw new CurationError('ArticleNotFound', `${ref.location} contains no .nxml or .xml file`);
    const media = new Map<string, Uint8Array>();
    for (const [name, content] of files) if (name !== xmlName) media.set(path.posix.basename(name), content);
    return {
      ref,
      metadata: null,
      xml: files.get(xmlName) as Uint8Array,
      media: {
        names: [...media.keys()],
        read: async (name) => {
          const content = media.get(name);
          if (!content) throw new CurationError('MissingImage', `${name} is not in ${ref.location}`, { subject: name });
          return content;
        },
      },
    };
  }

  private async download(url: string): Promise<Uint8Array> {
    const fetchImpl = this.options.fetch ?? fetch;
    let response: Response;
    try {
      response = await fetchImpl(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000) });
    } catch (error) {
      throw new CurationError('SourceUnavailable', `cannot fetch ${url}: ${(error as Error).message}`, { cause: error });
    }
    if (response.status === 404 || response.status === 410) throw new CurationError('ArticleNotFound', `${url} answered ${response.status}`);
    if (response.status === 429) throw new CurationError('Throttled', `${url} answered 429 Too Many Requests`);
    if (!response.ok) throw new CurationError('SourceUnavailable', `${url} answered ${response.status}`);
    try {
      return new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw new CurationError('SourceUnavailable', `reading ${url} failed mid-transfer: ${(error as Error).message}`, { cause: error });
    }
  }
}

async function readLocal(file: string): Promise<Uint8Array> {
  return readFile(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new CurationError('ArticleNotFound', `${file} does not exist`);
    throw new CurationError('SourceUnavailable', `cannot read ${file}: ${error.message}`);
  });
}
