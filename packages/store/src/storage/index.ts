// @pmc-curator/store/storage: every storage module of the store, re-exported.
export * from './object-store.ts';
export * from './s3-blob-reader.ts';
export * from './s3-client.ts';
export * from './s3-errors.ts';
