export type { ArticleBundle, ArticleRef, ArticleSource, BlobReader, ListOptions, MediaFiles, SourceKind } from './types.ts';
export { PmcCloudSource, type PmcCloudSourceOptions, type PmcEnumeration } from './pmc-cloud.ts';
export { LegacyPackageSource, type LegacyPackageSourceOptions } from './legacy-package.ts';
export { DirectorySource, type DirectorySourceOptions } from './directory.ts';
export { LocalFileTree, MemoryFileTree, type FileTree, type FileTreeEntry } from './file-tree.ts';
export { FsBlobReader } from './fs-blob-reader.ts';
export { readTarContents, isUnsafeEntryPath } from './tar-archive.ts';
export { parsePmcMetadata, parseS3Url, parseArticleVersion, pmcMetadataSchema, type PmcMetadata } from './pmc-metadata.ts';
export { parseOaFileList, type OaFileListEntry } from './oa-file-list.ts';
