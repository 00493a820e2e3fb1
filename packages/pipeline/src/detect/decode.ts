import sharp from 'sharp';
import type { Metadata } from 'sharp';
import { CurationError } from '../errors.ts';
import type { RawImage } from './types.ts';

export interface DecodeOptions {
  /**
   * Longest side of the decoded pixels. Larger images are downsampled while decoding (boxes must then be
   * scaled by `scale` to get back to original pixels). Default 2000: plenty for layout analysis and labels.
   */
  maxSide?: number;
  /** Refuse images with more pixels than this (decompression bombs). Default 400 megapixels. */
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
 * (alpha flattened on white), downsampled to `maxSide`. Undecodable input becomes a CurationError.
 */
export async function decodeImage(input: Buffer | Uint8Array | string, options: DecodeOptions = {}): Promise<DecodedImage> {
  const maxSide = options.maxSide ?? 2000;
  const maxPixels = options.maxPixels ?? 400_000_000;
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
    let pipeline = sharp(input, { limitInputPixels: maxPixels, failOn: 'none' }).autoOrient();
    if (scale > 1) {
      pipeline = pipeline.resize({
        width: Math.max(1, Math.round(width / scale)),
        height: Math.max(1, Math.round(height / scale)),
        fit: 'fill',
        kernel: 'linear',
      });
    }
    const { data, info } = await pipeline
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const image: RawImage = { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels };
    return { image, width, height, scale: width / info.width };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CurationError('CorruptImage', message, { cause: error });
  }
}
