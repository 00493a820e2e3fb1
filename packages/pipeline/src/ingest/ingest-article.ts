import { performance } from 'node:perf_hooks';
import { CurationError, classifyError } from '../errors.ts';
import { DEFAULT_IMAGE_LIMITS, processImage, type ImageLimits, type ProcessedImage } from '../images/index.ts';
import { licenseGroup, matchGraphicToMedia, normalizeLicenseCode, parseJats } from '../jats/index.ts';
import type { JatsFigure } from '../jats/index.ts';
import type { ArticleBundle } from '../sources/index.ts';

/** Bumped whenever ingest output for the same input would change. */
export const INGEST_VERSION = 1;

export type LicenseGroup = 'comm' | 'noncomm' | 'other';

export interface IngestOptions {
  /** Licence groups to keep. @defaultValue ['comm'] (commercial-use CC, as PMC-OA) */
  licenseGroups?: LicenseGroup[];
  /** Skip retracted articles. @defaultValue true */
  skipRetracted?: boolean;
  imageLimits?: ImageLimits;
}

export interface ArticleFacts {
  key: string;
  pmcid: string | null;
  version: number | null;
  pmid: string | null;
  doi: string | null;
  title: string | null;
  licenseCode: string | null;
  licenseGroup: LicenseGroup;
  retracted: boolean;
}

export interface IngestedFigure {
  figure: JatsFigure;
  ordinal: number;
  mediaName: string | null;
  image: ProcessedImage | null;
}

export interface IngestTimings {
  parseMs: number;
  /** Reading media bytes from the source. */
  fetchMs: number;
  /** Decoding, checking and normalising images. */
  imageMs: number;
}

export type IngestResult =
  | { status: 'skipped'; article: ArticleFacts; reason: string; timings: IngestTimings }
  | { status: 'ingested'; article: ArticleFacts; figures: IngestedFigure[]; failures: CurationError[]; timings: IngestTimings };

/**
 * Turns one article bundle into figure records with processed images. Permanent problems with a single
 * figure (missing, corrupt, unsupported image) are returned as failures and the other figures go on;
 * transient errors (a media object vanishing, the source failing) are thrown so the article is retried.
 */
export async function ingestArticle(bundle: ArticleBundle, options: IngestOptions = {}): Promise<IngestResult> {
  const parseStart = performance.now();
  const jats = parseJats(bundle.xml);
  const parseMs = performance.now() - parseStart;
  const { metadata, ref } = bundle;
  const licenseCode = metadata ? normalizeLicenseCode(metadata.license_code ?? '') : (jats.license?.code ?? null);
  const article: ArticleFacts = {
    key: ref.key,
    pmcid: metadata?.pmcid ?? ref.pmcid ?? jats.pmcid,
    version: metadata?.version ?? ref.version ?? null,
    pmid: metadata?.pmid ?? jats.pmid,
    doi: metadata?.doi ?? jats.doi,
    title: metadata?.title ?? jats.title,
    licenseCode,
    licenseGroup: licenseGroup(licenseCode),
    retracted: metadata?.is_retracted ?? false,
  };
  const keep = options.licenseGroups ?? ['comm'];
  if (!keep.includes(article.licenseGroup)) {
    return {
      status: 'skipped',
      article,
      reason: `licence ${licenseCode ?? 'unknown'} is in group "${article.licenseGroup}", not in ${keep.join(',')}`,
      timings: { parseMs, fetchMs: 0, imageMs: 0 },
    };
  }
  if (article.retracted && (options.skipRetracted ?? true)) {
    return { status: 'skipped', article, reason: 'the article is retracted', timings: { parseMs, fetchMs: 0, imageMs: 0 } };
  }
  const limits = options.imageLimits ?? DEFAULT_IMAGE_LIMITS;
  const figures: IngestedFigure[] = [];
  const failures: CurationError[] = [];
  let fetchMs = 0;
  let imageMs = 0;
  for (const [ordinal, figure] of jats.figures.entries()) {
    const mediaName = figure.graphics.map((href) => matchGraphicToMedia(href, bundle.media.names)).find(Boolean) ?? null;
    let image: ProcessedImage | null = null;
    if (!mediaName) {
      if (figure.graphics.length > 0) {
        failures.push(
          new CurationError('MissingImage', `figure ${figure.id}: no media file matches ${figure.graphics.join(', ')}`, { subject: figure.id }),
        );
      }
    } else {
      const fetchStart = performance.now();
      const bytes = await bundle.media.read(mediaName);
      const decodeStart = performance.now();
      fetchMs += decodeStart - fetchStart;
      try {
        image = await processImage(bytes, mediaName, limits);
      } catch (error) {
        const classified = classifyError(error);
        if (!classified.permanent) throw classified;
        failures.push(new CurationError(classified.errorClass, `figure ${figure.id}: ${classified.message}`, { subject: figure.id }));
      } finally {
        imageMs += performance.now() - decodeStart;
      }
    }
    figures.push({ figure, ordinal, mediaName, image });
  }
  return { status: 'ingested', article, figures, failures, timings: { parseMs, fetchMs, imageMs } };
}
