import { performance } from 'node:perf_hooks';
import { CurationError, classifyError } from '../errors.ts';
import { DEFAULT_IMAGE_LIMITS, processImage, type ImageLimits, type ProcessedImage } from '../images/index.ts';
import { licenseGroup, matchGraphicToMedia, normalizeLicenseCode, parseJats } from '../jats/index.ts';
import type { JatsFigure } from '../jats/index.ts';
import type { ArticleBundle } from '../sources/index.ts';

/**
 * Bumped whenever ingest output for the same input would change.
 * 2: one row per graphic of a fig; DOCTYPE internal entities expanded; formulas kept in captions;
 *    the JATS licence used when the metadata JSON has none.
 */
export const INGEST_VERSION = 2;

export type LicenseGroup = 'comm' | 'noncomm' | 'other';

export interface IngestOptions {
  /** Licence groups to keep. @defaultValue ['comm'] (commercial-use CC, as PMC-OA) */
  licenseGroups?: LicenseGroup[];
  /** Skip retracted articles. @defaultValue true */
  skipRetracted?: boolean;
  imageLimits?: ImageLimits;
  /** Longest caption accepted, in characters; a figure with a longer one is a CaptionTooLong failure (no rows). @defaultValue 20,000 */
  maxCaptionChars?: number;
}

const DEFAULT_MAX_CAPTION_CHARS = 20_000;

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

/**
 * One Figure row: one graphic of a `<fig>` with its image. A fig with several graphics (panels delivered as
 * gr3a + gr3b) gives one row per graphic that yields an image; a fig that yields none (no graphic, or every
 * graphic missing or unusable) gives one row without an image, so that the figure and its caption stay.
 */
export interface IngestedFigure {
  figure: JatsFigure;
  /** Position of this row among all rows of the article, in document order; unique within the article. */
  ordinal: number;
  /** Position of the graphic inside its `<fig>` (index into `figure.graphics`); 0 for a fig without graphics. */
  graphicIndex: number;
  /** The `<graphic>` href of this row, or null for a fig without graphics. */
  graphicHref: string | null;
  mediaName: string | null;
  image: ProcessedImage | null;
}

/** A permanent problem with one figure or one of its graphics; recorded in the ledger under `subject`. */
export class FigureFailure extends CurationError {
  constructor(
    error: CurationError,
    /** The `<fig>` id. */
    readonly figureId: string,
    /** The graphic concerned, or null when the problem is the figure's. */
    readonly graphicIndex: number | null,
    subject: string,
  ) {
    super(error.errorClass, error.message, { subject, cause: error.cause });
  }
}

/**
 * Ledger subject of a graphic's failure: the figure id when the fig has one graphic (as before figures had
 * several), else "<figure id>/<href>", so each graphic of a fig is its own ledger row.
 */
export function graphicSubject(figure: JatsFigure, graphicIndex: number): string {
  return figure.graphics.length > 1 ? `${figure.id}/${figure.graphics[graphicIndex] ?? graphicIndex}` : figure.id;
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
  | { status: 'ingested'; article: ArticleFacts; figures: IngestedFigure[]; failures: FigureFailure[]; timings: IngestTimings };

/**
 * Turns one article bundle into figure records with processed images, one per graphic (see IngestedFigure).
 * Permanent problems with a single graphic (missing, corrupt, unsupported image) are returned as failures and
 * the other graphics and figures go on;
 * transient errors (a media object vanishing, the source failing) are thrown so the article is retried.
 */
export async function ingestArticle(bundle: ArticleBundle, options: IngestOptions = {}): Promise<IngestResult> {
  const parseStart = performance.now();
  const jats = parseJats(bundle.xml);
  const parseMs = performance.now() - parseStart;
  const { metadata, ref } = bundle;
  // The metadata JSON decides the licence when it names one (even one not recognised); when it has none
  // (no metadata, or a missing or empty license_code), the licence in the XML does.
  const metadataLicense = metadata?.license_code?.trim();
  const licenseCode = metadataLicense ? normalizeLicenseCode(metadataLicense) : (jats.license?.code ?? null);
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
  const failures: FigureFailure[] = [];
  let fetchMs = 0;
  let imageMs = 0;
  const maxCaption = options.maxCaptionChars ?? DEFAULT_MAX_CAPTION_CHARS;
  for (const figure of jats.figures) {
    if (figure.caption.length > maxCaption) {
      // Refused before its images are read: a caption this long is not a figure legend (and would be stored and rendered).
      const error = new CurationError('CaptionTooLong', `figure ${figure.id}: caption is ${figure.caption.length} characters, over the ${maxCaption}-character limit`);
      failures.push(new FigureFailure(error, figure.id, null, figure.id));
      continue;
    }
    const rows: Array<Omit<IngestedFigure, 'ordinal'>> = [];
    /** The first graphic that had a media file, for the imageless row of a fig that yields no image. */
    let firstMedia: { graphicIndex: number; mediaName: string } | null = null;
    const seenMedia = new Set<string>();
    for (const [graphicIndex, href] of figure.graphics.entries()) {
      const subject = graphicSubject(figure, graphicIndex);
      const mediaName = matchGraphicToMedia(href, bundle.media.names);
      if (!mediaName) {
        const error = new CurationError('MissingImage', `figure ${figure.id}: no media file matches ${href}${figure.graphics.length > 1 ? ` (graphic ${graphicIndex + 1} of ${figure.graphics.length})` : ''}`);
        failures.push(new FigureFailure(error, figure.id, graphicIndex, subject));
        continue;
      }
      // Two hrefs of one fig naming the same file ("gr3" and "gr3.jpg") are one image.
      if (seenMedia.has(mediaName)) continue;
      seenMedia.add(mediaName);
      firstMedia ??= { graphicIndex, mediaName };
      const fetchStart = performance.now();
      let decodeStart = fetchStart;
      try {
        // A media file refused as it is read (a FIFO, a link out of the source, too large) fails this graphic only.
        const bytes = await bundle.media.read(mediaName);
        decodeStart = performance.now();
        fetchMs += decodeStart - fetchStart;
        const image = await processImage(bytes, mediaName, limits);
        rows.push({ figure, graphicIndex, graphicHref: href, mediaName, image });
      } catch (error) {
        const classified = classifyError(error);
        if (!classified.permanent) throw classified;
        const message = new CurationError(classified.errorClass, `figure ${figure.id}${figure.graphics.length > 1 ? ` graphic ${href}` : ''}: ${classified.message}`, { cause: classified });
        failures.push(new FigureFailure(message, figure.id, graphicIndex, subject));
      } finally {
        imageMs += performance.now() - decodeStart;
      }
    }
    if (rows.length === 0) {
      const graphicIndex = firstMedia?.graphicIndex ?? 0;
      rows.push({ figure, graphicIndex, graphicHref: figure.graphics[graphicIndex] ?? null, mediaName: firstMedia?.mediaName ?? null, image: null });
    }
    for (const row of rows) figures.push({ ...row, ordinal: figures.length });
  }
  return { status: 'ingested', article, figures, failures, timings: { parseMs, fetchMs, imageMs } };
}
