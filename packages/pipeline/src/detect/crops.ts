import sharp from 'sharp';
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
}

type CropInput = Buffer | Uint8Array | string | RawImage;

const isRaw = (input: CropInput): input is RawImage =>
  typeof input === 'object' && !(input instanceof Uint8Array) && 'channels' in input;

/**
 * Crops every panel from the figure (encoded bytes, a file path, or raw pixels) and encodes each crop.
 * Boxes are in the pixels of the given image; they are clamped, so a crop is never empty.
 */
export async function cropPanels(input: CropInput, panels: ReadonlyArray<Pick<Panel, 'box'>>, options: CropOptions = {}): Promise<PanelCrop[]> {
  const format = options.format ?? 'png';
  const margin = options.margin ?? 0;
  const base = isRaw(input)
    ? sharp(Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength), {
      raw: { width: input.width, height: input.height, channels: input.channels as 1 | 2 | 3 | 4 },
    })
    : sharp(input, { failOn: 'none' }).autoOrient();
  // Materialise once (decoding the source per panel would repeat the expensive step).
  const { data, info } = await base.raw().toBuffer({ resolveWithObject: true });
  const out: PanelCrop[] = [];
  for (let i = 0; i < panels.length; i++) {
    const b = panels[i]!.box;
    const box = clampBox([b[0] - margin, b[1] - margin, b[2] + margin, b[3] + margin], info.width, info.height);
    let pipeline = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
      .extract({ left: box[0], top: box[1], width: box[2] - box[0], height: box[3] - box[1] });
    if (format === 'jpeg') pipeline = pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: options.quality ?? 90 });
    else if (format === 'webp') pipeline = pipeline.webp({ quality: options.quality ?? 90 });
    else pipeline = pipeline.png();
    out.push({ panelIndex: i, box, bytes: await pipeline.toBuffer(), format });
  }
  return out;
}
