import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { DirectorySource, LegacyPackageSource, PmcCloudSource, parseOaFileList, type ArticleSource, type PmcEnumeration } from '@pmc-curator/pipeline/sources';
import type { Config } from './config.ts';
import { S3BlobReader, createS3Client } from '@pmc-curator/store/storage';

/** How a command names its source; the same shape is stored on a run so workers can rebuild it. */
export interface SourceSpec {
  kind: 'pmc-s3' | 'legacy' | 'dir';
  /** dir/legacy: a directory or URL. */
  location?: string;
  /** pmc-s3: bucket (default PMC_SOURCE_BUCKET). */
  bucket?: string;
  /** pmc-s3: endpoint (default PMC_SOURCE_ENDPOINT, else S3_ENDPOINT). */
  endpoint?: string;
  anonymous?: boolean;
  /** pmc-s3: daily inventory manifest key. */
  inventory?: string;
  /** pmc-s3 and legacy: explicit ids. */
  ids?: string[];
  /** pmc-s3: prefix to list. */
  prefix?: string;
  /** legacy: path of an oa_file_list.csv naming the packages (relative to --location). */
  fileList?: string;
}

export async function readIdsFile(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read the ids file ${file} (${error.code ?? error.message}); give one PMCID per line`);
  });
  return text
    .split(/\r?\n/)
    .map((line) => line.split(/[,\s]/)[0]?.trim() ?? '')
    .filter((line) => line && !line.startsWith('#'));
}

export function createSource(spec: SourceSpec, config: Config): ArticleSource {
  switch (spec.kind) {
    case 'dir':
      if (!spec.location) throw new Error('--source dir needs --location DIR (a directory of article folders)');
      return new DirectorySource({ root: spec.location, maxFileBytes: config.MAX_SOURCE_FILE_BYTES });
    case 'legacy':
      if (!spec.location) throw new Error('--source legacy needs --location DIR|URL (where PMCnnn.tar.gz packages are)');
      return new LegacyPackageSource({
        location: spec.location,
        maxFileBytes: config.MAX_SOURCE_FILE_BYTES,
        maxArchiveBytes: config.MAX_ARCHIVE_BYTES,
        ...(spec.ids ? { names: spec.ids } : {}),
        ...(spec.fileList ? { fileList: parseOaFileList(readFileSync(spec.fileList)) } : {}),
      });
    case 'pmc-s3': {
      const bucket = spec.bucket ?? config.PMC_SOURCE_BUCKET;
      const endpoint = spec.endpoint ?? (config.PMC_SOURCE_ENDPOINT || config.S3_ENDPOINT);
      const anonymous = spec.anonymous ?? config.PMC_SOURCE_ANONYMOUS;
      const client = createS3Client({
        endpoint,
        region: config.PMC_SOURCE_REGION,
        accessKeyId: config.S3_ACCESS_KEY_ID,
        secretAccessKey: config.S3_SECRET_ACCESS_KEY,
        forcePathStyle: config.S3_FORCE_PATH_STYLE,
        anonymous,
      });
      const reader = new S3BlobReader({ client, bucket, requestsPerSecond: config.PMC_SOURCE_RPS });
      const enumeration: PmcEnumeration = spec.inventory
        ? { mode: 'inventory', manifestKey: spec.inventory }
        : spec.ids
          ? { mode: 'ids', ids: spec.ids }
          : { mode: 'prefix', prefix: spec.prefix ?? '' };
      return new PmcCloudSource({ reader, bucket, enumeration });
    }
  }
}
