import { createHash } from 'node:crypto';
import { alignMethodOf } from '@pmc-curator/store/db';
import type { ExportIdentity } from './options.ts';
import type { FigureRow, SubfigureRow } from './select.ts';

/**
 * Row → sample: pure. A sample is one subfigure–subcaption pair (or, with --whole-figures, one figure with its
 * full caption) with everything a dataset user needs to trace it back to its source.
 */

const WHOLE_FIGURE_METHOD = 'whole-figure';

/** The metadata every format carries (webdataset `.json`, jsonl line, parquet columns). */
interface SampleMeta {
  key: string;
  pmcid: string | null;
  version: number | null;
  article_key: string;
  doi: string | null;
  license: string | null;
  license_group: string;
  figure_id: string;
  graphic_index: number;
  graphic: string | null;
  figure_label: string | null;
  label: string | null;
  /** [x1, y1, x2, y2] in pixels of the source image. */
  box: [number, number, number, number] | null;
  subcaption: string | null;
  method: string;
  confidence: number | null;
  /** sha256 of the image bytes exported (with --no-image-bytes: the crop's recorded sha256, null for whole figures). */
  sha256: string | null;
  image_key: string;
  ingest_version: number | null;
  detect_version: number | null;
  align_version: number | null;
  model_version: string | null;
}

export interface SampleSpec {
  key: string;
  /** Object key of the image in the curated bucket. */
  imageKey: string;
  /** jpg or png, from the object key. */
  ext: string;
  /** The sha256 the database says the bytes have (crops); null when it is not recorded (normalised copies). */
  expectedSha256: string | null;
  /** Identical images share this key; the first in the stable order is exported, the rest are dropped. */
  dedupKey: string;
  /** The sample's text: the subcaption, or the full caption of a whole figure. */
  text: string;
  /** The figure's full caption. */
  caption: string;
  meta: Omit<SampleMeta, 'sha256'>;
}

/** Keeps [A-Za-z0-9_-]; anything else becomes '-', and then a short hash of the original keeps keys distinct. */
export function keyPart(value: string): string {
  const safe = value.replace(/[^A-Za-z0-9_-]/g, '-').replace(/__+/g, '_');
  if (safe === value && safe.length > 0) return safe;
  return `${safe || 'x'}-h${createHash('sha256').update(value).digest('hex').slice(0, 6)}`;
}

/** `PMC123_1` for a PMC article version, else the sanitised article key. */
export function articleKeyPart(article: { key: string; pmcid: string | null; version: number | null }): string {
  if (article.pmcid && /^PMC\d+$/.test(article.pmcid) && article.version !== null) return `${article.pmcid}_${article.version}`;
  return keyPart(article.key);
}

/** Stable, tar-safe (no dots: webdataset splits at the first one) sample key, e.g. `PMC123_1__F3_g0__p2`. */
export function sampleKey(figure: Pick<FigureRow, 'jatsId' | 'graphicIndex' | 'article'>, panel: number | 'fig'): string {
  const suffix = panel === 'fig' ? 'fig' : `p${panel}`;
  return `${articleKeyPart(figure.article)}__${keyPart(figure.jatsId)}_g${figure.graphicIndex}__${suffix}`;
}

export function extensionOf(objectKey: string): string {
  const match = /\.([A-Za-z0-9]+)$/.exec(objectKey);
  const ext = match?.[1]?.toLowerCase() ?? 'jpg';
  return ext === 'jpeg' ? 'jpg' : ext;
}

/** The href the figure's image came from (ingest fills graphicHref; older rows fall back to the fig's first graphic). */
export function graphicOf(figure: Pick<FigureRow, 'graphicHref' | 'graphicHrefs' | 'mediaName'>): string | null {
  return figure.graphicHref ?? figure.graphicHrefs[0] ?? figure.mediaName ?? null;
}

function baseMeta(figure: FigureRow) {
  const { article } = figure;
  return {
    pmcid: article.pmcid,
    version: article.version,
    article_key: article.key,
    doi: article.doi,
    license: article.licenseCode,
    license_group: article.licenseGroup,
    figure_id: figure.jatsId,
    graphic_index: figure.graphicIndex,
    graphic: graphicOf(figure),
    figure_label: figure.label,
    ingest_version: article.ingestVersion,
  };
}

function pairSample(figure: FigureRow, subfigure: SubfigureRow & { cropKey: string; cropSha256: string }): SampleSpec {
  const pair = subfigure.pair!;
  const key = sampleKey(figure, subfigure.index);
  return {
    key,
    imageKey: subfigure.cropKey,
    ext: extensionOf(subfigure.cropKey),
    expectedSha256: subfigure.cropSha256,
    dedupKey: `crop:${subfigure.cropSha256}`,
    text: pair.text,
    caption: figure.caption,
    meta: {
      key,
      ...baseMeta(figure),
      label: pair.label ?? subfigure.labelText,
      box: [subfigure.x1, subfigure.y1, subfigure.x2, subfigure.y2],
      subcaption: pair.text,
      method: alignMethodOf(pair.method),
      confidence: pair.confidence,
      image_key: subfigure.cropKey,
      detect_version: subfigure.detectVersion,
      align_version: pair.alignVersion,
      model_version: subfigure.modelVersion,
    },
  };
}

function wholeFigureSample(figure: FigureRow & { normalizedKey: string }): SampleSpec {
  const key = sampleKey(figure, 'fig');
  return {
    key,
    imageKey: figure.normalizedKey,
    ext: extensionOf(figure.normalizedKey),
    expectedSha256: null,
    // Identical originals give identical normalised copies.
    dedupKey: `figure:${figure.sha256 ?? figure.normalizedKey}`,
    text: figure.caption,
    caption: figure.caption,
    meta: {
      key,
      ...baseMeta(figure),
      label: figure.label,
      box: figure.width && figure.height ? [0, 0, figure.width, figure.height] : null,
      subcaption: null,
      method: WHOLE_FIGURE_METHOD,
      confidence: null,
      image_key: figure.normalizedKey,
      detect_version: figure.article.detectVersion,
      align_version: figure.article.alignVersion,
      model_version: figure.subfigures[0]?.modelVersion ?? null,
    },
  };
}

function pairPasses(pair: NonNullable<SubfigureRow['pair']>, filters: ExportIdentity['filters']): boolean {
  if (filters.minConfidence !== null && !(pair.confidence >= filters.minConfidence)) return false;
  if (filters.methods && !filters.methods.includes(alignMethodOf(pair.method))) return false;
  return true;
}

/**
 * The samples of one figure, in the stable order: its pairs by subfigure index, then (with --whole-figures, when
 * the figure has no pairs or a single panel) the whole figure. Panels without a crop are left out.
 */
export function samplesOfFigure(figure: FigureRow, filters: ExportIdentity['filters']): SampleSpec[] {
  const samples: SampleSpec[] = [];
  for (const subfigure of figure.subfigures) {
    if (!subfigure.pair || !subfigure.cropKey || !subfigure.cropSha256) continue;
    if (!pairPasses(subfigure.pair, filters)) continue;
    samples.push(pairSample(figure, { ...subfigure, cropKey: subfigure.cropKey, cropSha256: subfigure.cropSha256 }));
  }
  if (filters.wholeFigures && figure.normalizedKey) {
    const hasPairs = figure.subfigures.some((subfigure) => subfigure.pair);
    if (!hasPairs || figure.subfigures.length <= 1) samples.push(wholeFigureSample({ ...figure, normalizedKey: figure.normalizedKey }));
  }
  return samples;
}

/** A sample whose image bytes were read (or, with --no-image-bytes, only referenced). */
export interface ResolvedSample {
  spec: SampleSpec;
  meta: SampleMeta;
  /** null with --no-image-bytes. */
  bytes: Uint8Array | null;
  /** `s3://bucket/key` of the image. */
  imageUrl: string;
}
