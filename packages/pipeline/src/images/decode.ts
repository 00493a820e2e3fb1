import { createHash } from 'node:crypto';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { CurationError } from '../errors.ts';
import type { RawImage } from '../detect/types.ts';

export interface ImageLimits {
  /** Smallest accepted width/height in pixels. @defaultValue 32 */
  minSide: number;
  /** Largest accepted width/height in pixels. @defaultValue 20,000 */
  maxSide: number;
  /** Largest accepted width × height; larger declared sizes are treated as decompression bombs. @defaultValue 2e8 */
  maxPixels: number;
  /** Largest accepted file. @defaultValue 200 MB */
  maxBytes: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = { minSide: 32, maxSide: 20_000, maxPixels: 200_000_000, maxBytes: 200_000_000 };

/**
 * Normalised JPEGs of more pixels than this are written without Huffman optimisation: libjpeg's optimising
 * pass keeps every DCT coefficient of the image in memory (about 6 bytes a pixel; 1.2 GB for 14000×14000),
 * while the plain encoder streams rows. Smaller images are encoded as before.
 */
const STREAMED_JPEG_PIXELS = 16_000_000;

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'tiff' | 'webp';
const SUPPORTED = new Set<string>(['jpeg', 'png', 'gif', 'tiff', 'webp']);

export interface ProcessedImage {
  /** sha256 of the original bytes (hex). */
  sha256: string;
  format: ImageFormat;
  width: number;
  height: number;
  /** Pages in the file (multi-page TIFF/GIF); only the first is used. */
  pages: number;
  original: Uint8Array;
  /** A web-friendly sRGB 8-bit copy of the first page: PNG when it had transparency or a palette, else JPEG. */
  normalized: { bytes: Uint8Array; format: 'jpeg' | 'png' };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The image decoder of the pipeline, with one pixel limit (`ImageLimits.maxPixels`, configured as MAX_IMAGE_PIXELS):
 * `processImage` checks an ingested file and makes its normalised copy; `decodeImage` gives detection its pixels.
 */

/**
 * Checks an image file and produces its normalised copy. Header checks come before any decoding so a
 * decompression bomb is refused without allocating its pixels.
 */
export async function processImage(bytes: Uint8Array, name: string, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<ProcessedImage> {
  if (bytes.byteLength === 0) throw new CurationError('EmptyImage', `${name} is empty (0 bytes)`, { subject: name });
  if (bytes.byteLength > limits.maxBytes) {
    throw new CurationError('ImageTooLarge', `${name} is ${bytes.byteLength} bytes, over the ${limits.maxBytes}-byte limit`, { subject: name });
  }
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    const message = (error as Error).message;
    const unsupported = /unsupported image format/i.test(message);
    throw new CurationError(unsupported ? 'UnsupportedFormat' : 'CorruptImage', `${name}: ${message}`, { subject: name, cause: error });
  }
  const format = metadata.format as string | undefined;
  if (!format || !SUPPORTED.has(format)) {
    throw new CurationError('UnsupportedFormat', `${name} is ${format ?? 'an unknown format'}; supported: JPEG, PNG, GIF, TIFF, WebP`, { subject: name });
  }
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;
  if (width * height > limits.maxPixels) {
    throw new CurationError('DecompressionBomb', `${name} declares ${width}×${height} pixels, over the ${limits.maxPixels}-pixel limit`, { subject: name });
  }
  if (width > limits.maxSide || height > limits.maxSide) {
    throw new CurationError('ImageTooLarge', `${name} is ${width}×${height}, over the ${limits.maxSide}-pixel side limit`, { subject: name });
  }
  if (width < limits.minSide || height < limits.minSide) {
    throw new CurationError('ImageTooSmall', `${name} is ${width}×${height}, under the ${limits.minSide}-pixel side minimum`, { subject: name });
  }
  const keepLossless = Boolean(metadata.hasAlpha) || format === 'png' || format === 'gif';
  let normalized: Buffer;
  try {
    const pipeline = sharp(bytes, { page: 0, pages: 1, limitInputPixels: limits.maxPixels, failOn: 'error' })
      .rotate()
      .toColourspace('srgb');
    normalized = keepLossless
      ? await pipeline.png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer()
      : await pipeline
        .flatten({ background: '#ffffff' })
        .jpeg(width * height > STREAMED_JPEG_PIXELS ? { quality: 90, mozjpeg: false, optimiseCoding: false } : { quality: 90, mozjpeg: false })
        .toBuffer();
  } catch (error) {
    throw new CurationError('CorruptImage', `${name} cannot be decoded: ${(error as Error).message}`, { subject: name, cause: error });
  }
  return {
    sha256: sha256Hex(bytes),
    format: format as ImageFormat,
    width,
    height,
    pages: metadata.pages ?? 1,
    original: bytes,
    normalized: { bytes: normalized, format: keepLossless ? 'png' : 'jpeg' },
  };
}

export interface DecodeOptions {
  /**
   * Longest side of the decoded pixels. Larger images are downsampled while decoding (boxes must then be
   * scaled by `scale` to get back to original pixels). Default 2000: plenty for layout analysis and labels.
   */
  maxSide?: number;
  /** Refuse images with more pixels than this (decompression bombs). Default `DEFAULT_IMAGE_LIMITS.maxPixels` (200 M), as ingest. */
  maxPixels?: number;
}

export interface DecodedImage {
  image: RawImage;
  /** Size of the original image. */
  width: number;
  height: number;
  /** Original pixels per decoded pixel (1 when not downsampled). */
  scale: number;
}

/**
 * Decodes any image sharp reads (JPEG, PNG, TIFF incl. CMYK and 16-bit, palette, alpha) to 8-bit sRGB
 * (alpha flattened on white), downsampled to `maxSide`: the pixels detection analyses. Undecodable input becomes a
 * CurationError.
 */
export async function decodeImage(input: Buffer | Uint8Array | string, options: DecodeOptions = {}): Promise<DecodedImage> {
  const maxSide = options.maxSide ?? 2000;
  const maxPixels = options.maxPixels ?? DEFAULT_IMAGE_LIMITS.maxPixels;
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: maxPixels, failOn: 'none' }).metadata();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/input file is missing/i.test(message)) throw new CurationError('MissingImage', message, { cause: error });
    if (/pixel limit/i.test(message)) throw new CurationError('DecompressionBomb', message, { cause: error });
    if (/unsupported image format/i.test(message)) throw new CurationError('UnsupportedFormat', message, { cause: error });
    throw new CurationError('CorruptImage', message, { cause: error });
  }
  // EXIF orientation swaps the displayed width and height.
  const rotated = (meta.orientation ?? 1) >= 5;
  const width = (rotated ? meta.height : meta.width) ?? 0;
  const height = (rotated ? meta.width : meta.height) ?? 0;
  if (width < 1 || height < 1) throw new CurationError('EmptyImage', 'image has no pixels');
  const scale = Math.max(1, Math.max(width, height) / maxSide);
  try {
    let pipeline = sharp(input, { limitInputPixels: maxPixels, failOn: 'none' });
    // Most figures are 8-bit sRGB without alpha or rotation at detection size, where every conversion below
    // is a no-op that still costs a pass over the pixels.
    if (scale === 1 && isPlainRgb(meta)) return await decodedOf(pipeline.raw(), width, height);
    pipeline = pipeline.autoOrient();
    if (scale > 1) {
      pipeline = pipeline.resize({
        width: Math.max(1, Math.round(width / scale)),
        height: Math.max(1, Math.round(height / scale)),
        fit: 'fill',
        kernel: 'linear',
      });
    }
    return await decodedOf(pipeline.flatten({ background: '#ffffff' }).toColourspace('srgb').removeAlpha().raw({ depth: 'uchar' }), width, height);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CurationError('CorruptImage', message, { cause: error });
  }
}

/** Three 8-bit sRGB channels, no alpha, ICC profile or EXIF rotation: the decoded pixels need no conversion. */
function isPlainRgb(meta: Metadata): boolean {
  return meta.channels === 3 && !meta.hasAlpha && !meta.hasProfile && meta.space === 'srgb' && meta.depth === 'uchar' && (meta.orientation ?? 1) === 1;
}

async function decodedOf(pipeline: Sharp, width: number, height: number): Promise<DecodedImage> {
  const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
  const image: RawImage = { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels };
  return { image, width, height, scale: width / info.width };
}

const EXTENSIONS: Record<ImageFormat, string> = { jpeg: 'jpg', png: 'png', gif: 'gif', tiff: 'tif', webp: 'webp' };
const CONTENT_TYPES: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  tiff: 'image/tiff',
  webp: 'image/webp',
};

export const contentTypeOf = (format: ImageFormat): string => CONTENT_TYPES[format];

/** Content-addressed object keys: identical bytes always land at the same key. */
export function originalKey(sha256: string, format: ImageFormat): string {
  return `originals/${sha256.slice(0, 2)}/${sha256}.${EXTENSIONS[format]}`;
}

export function normalizedKey(sha256: string, format: 'jpeg' | 'png'): string {
  return `normalized/${sha256.slice(0, 2)}/${sha256}.${EXTENSIONS[format]}`;
}
