import sharp, { type Sharp } from 'sharp';
import { DEFAULT_IMAGE_LIMITS } from '../images/decode.ts';
import { clampBox } from './boxes.ts';
import type { Box, Panel, RawImage } from './types.ts';

export interface PanelCrop {
  panelIndex: number;
  /** The box actually cropped (clamped to the image). */
  box: Box;
  bytes: Buffer;
  format: 'png' | 'jpeg' | 'webp';
}

export interface CropOptions {
  /** Output format. Default 'png' (lossless; panels often hold line art). */
  format?: 'png' | 'jpeg' | 'webp';
  /** JPEG/WebP quality. Default 90. */
  quality?: number;
  /** Pixels of margin added around each box (clamped to the image). Default 0. */
  margin?: number;
  /** Refuse encoded images with more pixels than this. Default `DEFAULT_IMAGE_LIMITS.maxPixels` (200 M), as decoding. */
  maxPixels?: number;
}

type CropInput = Buffer | Uint8Array | string | RawImage;

const isRaw = (input: CropInput): input is RawImage =>
  typeof input === 'object' && !(input instanceof Uint8Array) && 'channels' in input;

/**
 * Encoded images with more pixels than this are cropped panel by panel straight from the file (libvips
 * streams the rows), instead of being decoded whole first: a 14000×14000 figure would otherwise hold 590 MB
 * of pixels plus the encoder's buffers.
 */
const STREAMED_CROP_PIXELS = 40_000_000;
/** Streamed JPEG crops larger than this skip Huffman optimisation, which keeps every DCT coefficient in memory. */
const OPTIMISED_JPEG_MAX_PIXELS = 16_000_000;

function encode(pipeline: Sharp, format: 'png' | 'jpeg' | 'webp', quality: number | undefined, unoptimised: boolean): Promise<Buffer> {
  if (format === 'jpeg') {
    const jpeg = unoptimised ? { quality: quality ?? 90, optimiseCoding: false } : { quality: quality ?? 90 };
    return pipeline.flatten({ background: '#ffffff' }).jpeg(jpeg).toBuffer();
  }
  if (format === 'webp') return pipeline.webp({ quality: quality ?? 90 }).toBuffer();
  return pipeline.png().toBuffer();
}

/**
 * Crops every panel from the figure (encoded bytes, a file path, or raw pixels) and encodes each crop.
 * Boxes are in the pixels of the given image; they are clamped, so a crop is never empty. Memory stays
 * bounded for huge encoded images (see STREAMED_CROP_PIXELS).
 */
export async function cropPanels(input: CropInput, panels: ReadonlyArray<Pick<Panel, 'box'>>, options: CropOptions = {}): Promise<PanelCrop[]> {
  const format = options.format ?? 'png';
  const margin = options.margin ?? 0;
  const limitInputPixels = options.maxPixels ?? DEFAULT_IMAGE_LIMITS.maxPixels;
  if (!isRaw(input)) {
    const meta = await sharp(input, { failOn: 'none', limitInputPixels }).metadata();
    const rotated = (meta.orientation ?? 1) >= 5;
    const width = (rotated ? meta.height : meta.width) ?? 0;
    const height = (rotated ? meta.width : meta.height) ?? 0;
    if (width * height > STREAMED_CROP_PIXELS) {
      const out: PanelCrop[] = [];
      for (let i = 0; i < panels.length; i++) {
        const b = panels[i]!.box;
        const box = clampBox([b[0] - margin, b[1] - margin, b[2] + margin, b[3] + margin], width, height);
        const pipeline = sharp(input, { failOn: 'none', sequentialRead: true, limitInputPixels })
          .autoOrient()
          .extract({ left: box[0], top: box[1], width: box[2] - box[0], height: box[3] - box[1] });
        out.push({ panelIndex: i, box, bytes: await encode(pipeline, format, options.quality, (box[2] - box[0]) * (box[3] - box[1]) > OPTIMISED_JPEG_MAX_PIXELS), format });
      }
      return out;
    }
  }
  const base = isRaw(input)
    ? sharp(Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength), {
      raw: { width: input.width, height: input.height, channels: input.channels as 1 | 2 | 3 | 4 },
    })
    : sharp(input, { failOn: 'none', limitInputPixels }).autoOrient();
  // Materialise once (decoding the source per panel would repeat the expensive step).
  const { data, info } = await base.raw().toBuffer({ resolveWithObject: true });
  const out: PanelCrop[] = [];
  for (let i = 0; i < panels.length; i++) {
    const b = panels[i]!.box;
    const box = clampBox([b[0] - margin, b[1] - margin, b[2] + margin, b[3] + margin], info.width, info.height);
    const pipeline = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
      .extract({ left: box[0], top: box[1], width: box[2] - box[0], height: box[3] - box[1] });
    out.push({ panelIndex: i, box, bytes: await encode(pipeline, format, options.quality, false), format });
  }
  return out;
}
