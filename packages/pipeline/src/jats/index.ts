export type { JatsArticle, JatsFigure, JatsLicense } from './types.ts';
export { parseJats, DEFAULT_MAX_JATS_BYTES } from './parse.ts';
export type { ParseJatsOptions } from './parse.ts';
export { licenseGroup, normalizeLicenseCode, applyMetadataLicense } from './license.ts';
export type { LicenseGroup } from './license.ts';
export { matchGraphicToMedia } from './media-match.ts';
export { normalizeLabel } from './figures.ts';
export { flattenText, normalizeWhitespace } from './text.ts';
