import type { PmcMetadata } from './pmc-metadata.ts';

/** Identifies one article version in a source, cheap to enumerate. */
export interface ArticleRef {
  /** Stable identity: "PMC<id>.<version>" for PMC sources, else "<kind>:<name>". */
  key: string;
  sourceKind: SourceKind;
  /** Where to find it in the source (prefix, file path or URL). */
  location: string;
  pmcid?: string;
  version?: number;
  lastModified?: Date;
}

export type SourceKind = 'pmc-s3' | 'legacy' | 'dir';

/** The media files of one article, read lazily. */
export interface MediaFiles {
  names: string[];
  read(name: string): Promise<Uint8Array>;
}

/** Everything ingest needs for one article. */
export interface ArticleBundle {
  ref: ArticleRef;
  /** PMC metadata JSON when the source has it (PMC Cloud), else null. */
  metadata: PmcMetadata | null;
  xml: Uint8Array;
  media: MediaFiles;
}

export interface ListOptions {
  /** Stop after this many articles. */
  limit?: number;
  /** Only article versions modified after this date (where the source knows dates). */
  since?: Date;
}

/** One interface for every place articles come from. */
export interface ArticleSource {
  readonly kind: SourceKind;
  /** Human-readable description, stored on the run. */
  readonly description: string;
  list(options?: ListOptions): AsyncIterable<ArticleRef>;
  open(ref: ArticleRef): Promise<ArticleBundle>;
}

/** Read access to a bucket; the S3 implementation lives in the apps, tests may use a directory. */
export interface BlobReader {
  get(key: string): Promise<Uint8Array>;
  /** Keys under a prefix (recursive). */
  listKeys(prefix: string): AsyncIterable<{ key: string; lastModified?: Date }>;
  /** Common prefixes under a prefix, split at the delimiter (like S3 ListObjectsV2 with Delimiter). */
  listPrefixes(prefix: string, delimiter: string): AsyncIterable<string>;
}
