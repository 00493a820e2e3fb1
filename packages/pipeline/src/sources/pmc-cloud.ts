import { gunzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { CurationError } from '../errors.ts';
import { parseArticleVersion, parsePmcMetadata, parseS3Url } from './pmc-metadata.ts';
import type { ArticleBundle, ArticleRef, ArticleSource, BlobReader, ListOptions } from './types.ts';

/** How the PMC Cloud source enumerates articles. */
export type PmcEnumeration =
  /** The daily inventory: manifest.json → headerless csv.gz files of metadata keys. */
  | { mode: 'inventory'; manifestKey: string }
  /** Explicit PMCIDs (latest version of each is resolved by listing `PMC<id>.`) or explicit "PMC<id>.<ver>". */
  | { mode: 'ids'; ids: string[] }
  /** Every article version whose prefix starts with this (e.g. "PMC11" or "" for all). */
  | { mode: 'prefix'; prefix: string };

export interface PmcCloudSourceOptions {
  reader: BlobReader;
  bucket: string;
  enumeration: PmcEnumeration;
}

const manifestSchema = z.object({ files: z.array(z.object({ key: z.string() })).min(1) });

const METADATA_KEY = /^metadata\/(PMC\d+\.\d+)\.json$/;

/** Reads articles from a bucket in the PMC Cloud layout (`PMC<id>.<ver>/` prefixes). */
export class PmcCloudSource implements ArticleSource {
  readonly kind = 'pmc-s3' as const;
  readonly description: string;

  constructor(private readonly options: PmcCloudSourceOptions) {
    const { enumeration } = options;
    const what =
      enumeration.mode === 'inventory'
        ? `inventory ${enumeration.manifestKey}`
        : enumeration.mode === 'ids'
          ? `${enumeration.ids.length} ids`
          : `prefix "${enumeration.prefix}"`;
    this.description = `s3://${options.bucket} (${what})`;
  }

  async *list(options: ListOptions = {}): AsyncIterable<ArticleRef> {
    let count = 0;
    for await (const ref of this.enumerate(options)) {
      if (options.limit !== undefined && count >= options.limit) return;
      count += 1;
      yield ref;
    }
  }

  private enumerate(options: ListOptions): AsyncIterable<ArticleRef> {
    const { enumeration } = this.options;
    if (enumeration.mode === 'inventory') return this.fromInventory(enumeration.manifestKey, options.since);
    if (enumeration.mode === 'ids') return this.fromIds(enumeration.ids);
    return this.fromPrefix(enumeration.prefix);
  }

  private async *fromInventory(manifestKey: string, since: Date | undefined): AsyncIterable<ArticleRef> {
    const manifestBytes = await this.options.reader.get(manifestKey);
    let manifest: z.infer<typeof manifestSchema>;
    try {
      manifest = manifestSchema.parse(JSON.parse(Buffer.from(manifestBytes).toString('utf8')));
    } catch (error) {
      throw new CurationError('InvalidMetadata', `inventory manifest ${manifestKey} is not a valid manifest: ${(error as Error).message}`);
    }
    for (const file of manifest.files) {
      const gz = await this.options.reader.get(file.key);
      let rows: string[][];
      try {
        rows = parseCsv(gunzipSync(gz), { relax_column_count: true });
      } catch (error) {
        throw new CurationError('InvalidMetadata', `inventory file ${file.key} is not a gzip CSV: ${(error as Error).message}`);
      }
      for (const [, key, lastModifiedText] of rows) {
        const match = key ? METADATA_KEY.exec(key) : null;
        if (!match?.[1]) continue;
        const lastModified = lastModifiedText ? new Date(lastModifiedText) : undefined;
        if (since && lastModified && !(lastModified > since)) continue;
        const ref = this.refFor(match[1], lastModified);
        if (ref) yield ref;
      }
    }
  }

  private async *fromIds(ids: string[]): AsyncIterable<ArticleRef> {
    for (const raw of ids) {
      const id = raw.trim().toUpperCase().replace(/^(\d)/, 'PMC$1');
      if (!id) continue;
      const explicit = parseArticleVersion(id);
      if (explicit) {
        const ref = this.refFor(id);
        if (ref) yield ref;
        continue;
      }
      if (!/^PMC\d+$/.test(id)) throw new CurationError('InvalidInput', `"${raw}" is not a PMCID (expected PMC followed by digits)`);
      let latest: { name: string; version: number } | null = null;
      for await (const prefix of this.options.reader.listPrefixes(`${id}.`, '/')) {
        const parsed = parseArticleVersion(prefix.replace(/\/$/, ''));
        if (parsed && parsed.pmcid === id && (!latest || parsed.version > latest.version)) {
          latest = { name: `${parsed.pmcid}.${parsed.version}`, version: parsed.version };
        }
      }
      if (!latest) throw new CurationError('ArticleNotFound', `${id} has no version in s3://${this.options.bucket}`, { subject: id });
      const ref = this.refFor(latest.name);
      if (ref) yield ref;
    }
  }

  private async *fromPrefix(prefix: string): AsyncIterable<ArticleRef> {
    for await (const common of this.options.reader.listPrefixes(prefix, '/')) {
      const ref = this.refFor(common.replace(/\/$/, ''));
      if (ref) yield ref;
    }
  }

  private refFor(name: string, lastModified?: Date): ArticleRef | null {
    const parsed = parseArticleVersion(name);
    if (!parsed) return null;
    return {
      key: name,
      sourceKind: 'pmc-s3',
      location: `${name}/`,
      pmcid: parsed.pmcid,
      version: parsed.version,
      ...(lastModified ? { lastModified } : {}),
    };
  }

  async open(ref: ArticleRef): Promise<ArticleBundle> {
    const { reader } = this.options;
    const name = ref.key;
    const metadataKey = `${name}/${name}.json`;
    const metadataBytes = await reader.get(metadataKey).catch(async (error: unknown) => {
      if ((error as CurationError).errorClass !== 'ObjectVanished') throw error;
      return reader.get(`metadata/${name}.json`).catch(() => {
        throw new CurationError('MissingMetadata', `neither ${metadataKey} nor metadata/${name}.json exists`, { subject: name });
      });
    });
    const metadata = parsePmcMetadata(metadataBytes, metadataKey);
    const xmlKey = (metadata.xml_url && parseS3Url(metadata.xml_url)?.key) || `${name}/${name}.xml`;
    const xml = await reader.get(xmlKey).catch((error: unknown) => {
      if ((error as CurationError).errorClass === 'ObjectVanished') {
        throw new CurationError('ArticleNotFound', `the JATS XML ${xmlKey} is missing`, { subject: xmlKey });
      }
      throw error;
    });
    const mediaKeys = new Map<string, string>();
    const fromMetadata = metadata.media_urls.map((url) => parseS3Url(url)?.key).filter((key): key is string => Boolean(key));
    if (fromMetadata.length > 0) {
      for (const key of fromMetadata) mediaKeys.set(key.slice(key.lastIndexOf('/') + 1), key);
    } else {
      for await (const { key } of reader.listKeys(`${name}/`)) {
        const file = key.slice(key.lastIndexOf('/') + 1);
        if (!file.startsWith(`${name}.`)) mediaKeys.set(file, key);
      }
    }
    return {
      ref,
      metadata,
      xml,
      media: {
        names: [...mediaKeys.keys()],
        read: (file) => {
          const key = mediaKeys.get(file);
          if (!key) return Promise.reject(new CurationError('MissingImage', `${file} is not among the media of ${name}`, { subject: file }));
          return reader.get(key);
        },
      },
    };
  }
}
