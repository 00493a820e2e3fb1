import path from 'node:path';
import { CurationError } from '../errors.ts';
import { LocalFileTree, type FileTree } from './file-tree.ts';
import type { OaFileListEntry } from './oa-file-list.ts';
import { DEFAULT_MAX_FILE_BYTES } from './safe-file.ts';
import { readTarContents } from './tar-archive.ts';
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
  /** Where a local directory's packages are read from. @defaultValue the local disk under `location` (LocalFileTree) */
  tree?: FileTree;
  /** Per-request timeout for the mirror. @defaultValue 60 s */
  timeoutMs?: number;
  /** Largest package (compressed) and largest entry kept (expanded). @defaultValue 256 MiB */
  maxFileBytes?: number;
  /** Largest total a package may expand to; past it the package is a DecompressionBomb. @defaultValue 1 GiB */
  maxArchiveBytes?: number;
}

const PACKAGE_FILE = /^(PMC\d+|[^/]+?)\.tar\.gz$/;
const XML_FILE = /\.(nxml|xml)$/i;

/** Legacy `PMCnnn.tar.gz` packages (one .nxml + PDF + images) from a directory or an HTTP(S) mirror. */
export class LegacyPackageSource implements ArticleSource {
  readonly kind = 'legacy' as const;
  readonly description: string;
  private readonly isHttp: boolean;
  private readonly tree: FileTree;

  constructor(private readonly options: LegacyPackageSourceOptions) {
    this.isHttp = /^https?:\/\//i.test(options.location);
    this.description = `legacy packages at ${options.location}`;
    this.tree = options.tree ?? new LocalFileTree(options.location);
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
    const entries = await this.tree.list('').catch((error: NodeJS.ErrnoException) => {
      throw new CurationError('InvalidInput', `cannot read ${this.options.location}: ${error.code ?? error.message}`);
    });
    return entries.map((entry) => entry.name).filter((name) => PACKAGE_FILE.test(name));
  }

  private get maxFileBytes(): number {
    return this.options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  async open(ref: ArticleRef): Promise<ArticleBundle> {
    const bytes = this.isHttp ? await this.download(ref.location) : await this.tree.read(this.packagePath(ref), { maxBytes: this.maxFileBytes });
    const { files, oversized } = await readTarContents(bytes, ref.location, {
      maxEntryBytes: this.maxFileBytes,
      maxTotalBytes: this.options.maxArchiveBytes ?? 1024 * 2 ** 20,
    });
    const xmlNames = [...files.keys()].filter((name) => XML_FILE.test(name));
    const xmlName = xmlNames.find((name) => name.toLowerCase().endsWith('.nxml')) ?? xmlNames[0];
    if (!xmlName) throw new CurationError('ArticleNotFound', `${ref.location} contains no .nxml or .xml file`);
    const media = new Map<string, Uint8Array>();
    if (oversized.has(xmlName)) throw new CurationError('FileTooLarge', `${ref.location}: ${xmlName} is over the ${this.maxFileBytes}-byte limit`);
    for (const [name, content] of files) if (name !== xmlName) media.set(path.posix.basename(name), content);
    const tooLarge = new Map([...oversized].map(([name, size]) => [path.posix.basename(name), size]));
    return {
      ref,
      metadata: null,
      xml: files.get(xmlName) as Uint8Array,
      media: {
        names: [...media.keys(), ...tooLarge.keys()],
        read: async (name) => {
          const size = tooLarge.get(name);
          if (size !== undefined) {
            throw new CurationError('FileTooLarge', `${name} in ${ref.location} is ${size} bytes, over the ${this.maxFileBytes}-byte limit`, { subject: name });
          }
          const content = media.get(name);
          if (!content) throw new CurationError('MissingImage', `${name} is not in ${ref.location}`, { subject: name });
          return content;
        },
      },
    };
  }

  /** A local package's path inside the tree; a location outside the source directory is refused. */
  private packagePath(ref: ArticleRef): string {
    const relative = path.relative(this.options.location, ref.location);
    if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new CurationError('UnsafeFile', `${ref.location} is not a package of the source ${this.options.location}`);
    }
    return relative.split(path.sep).join('/');
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
    const limit = this.maxFileBytes;
    const tooLarge = (size: string) => new CurationError('FileTooLarge', `${url} is ${size} bytes, over the ${limit}-byte limit`);
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > limit) {
      await response.body?.cancel().catch(() => {});
      throw tooLarge(String(declared));
    }
    // Read with a running total: a mirror that sends more than it declared (or declares nothing) is cut off.
    const chunks: Uint8Array[] = [];
    let length = 0;
    try {
      if (response.body) {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          length += chunk.byteLength;
          if (length > limit) break;
          chunks.push(chunk);
        }
      }
    } catch (error) {
      throw new CurationError('SourceUnavailable', `reading ${url} failed mid-transfer: ${(error as Error).message}`, { cause: error });
    }
    if (length > limit) throw tooLarge(`more than ${limit}`);
    return Buffer.concat(chunks, length);
  }
}
