import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isCurationError } from '../errors.ts';
import { cropPanels } from '../detect/crops.ts';
import { DEFAULT_IMAGE_LIMITS, decodeImage } from './decode.ts';

describe('decodeImage', () => {
  it('normalises CMYK, 16-bit, palette, alpha and grey images to 8-bit RGB', async () => {
    const base = sharp({ create: { width: 40, height: 30, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } });
    const inputs = [
      await base.clone().png().toBuffer(),
      await base.clone().jpeg().toColourspace('cmyk').toBuffer(),
      await base.clone().png({ palette: true }).toBuffer(),
      await base.clone().toColourspace('rgb16').png().toBuffer(),
      await base.clone().greyscale().png().toBuffer(),
      await base.clone().tiff().toBuffer(),
    ];
    for (const bytes of inputs) {
      const d = await decodeImage(bytes);
      expect(d.image.channels).toBe(3);
      expect([d.width, d.height, d.image.width, d.image.height]).toEqual([40, 30, 40, 30]);
      expect(d.image.data.length).toBe(40 * 30 * 3);
    }
  });

  it('downsamples enormous images for analysis and reports the scale', async () => {
    const bytes = await sharp({ create: { width: 6000, height: 1500, channels: 3, background: 'white' } }).png().toBuffer();
    const d = await decodeImage(bytes, { maxSide: 1000 });
    expect([d.width, d.height, d.image.width, d.image.height]).toEqual([6000, 1500, 1000, 250]);
    expect(d.scale).toBe(6);
  });

  it('reports undecodable bytes as a permanent CorruptImage/UnsupportedFormat error', async () => {
    const error = await decodeImage(Buffer.from('not an image at all')).catch((e: unknown) => e);
    expect(isCurationError(error) && error.permanent).toBe(true);
    const truncated = (await sharp({ create: { width: 50, height: 50, channels: 3, background: 'red' } }).jpeg().toBuffer()).subarray(0, 30);
    const e2 = await decodeImage(truncated).catch((e: unknown) => e);
    expect(isCurationError(e2)).toBe(true);
  });
});

describe('one pixel limit', () => {
  it('refuses, when decoding for detection and when cropping, what ingest refuses: more than DEFAULT_IMAGE_LIMITS.maxPixels (200 M)', async () => {
    expect(DEFAULT_IMAGE_LIMITS.maxPixels).toBe(200_000_000);
    // A PNG header declaring 15000 x 15000 = 225 M pixels (the old detection default let 400 M through).
    const png = Buffer.from(await sharp({ create: { width: 64, height: 64, channels: 3, background: 'white' } }).png().toBuffer());
    png.writeUInt32BE(15_000, 16);
    png.writeUInt32BE(15_000, 20);
    png.writeUInt32BE(crc32(png.subarray(12, 29)) >>> 0, 29);
    const decoded = await decodeImage(png).catch((e: unknown) => e);
    expect(isCurationError(decoded) && decoded.errorClass).toBe('DecompressionBomb');
    await expect(cropPanels(png, [{ box: [0, 0, 10, 10] }])).rejects.toThrow(/pixel limit/i);
    // A configured limit is honoured.
    const small = await sharp({ create: { width: 40, height: 30, channels: 3, background: 'white' } }).png().toBuffer();
    const refused = await decodeImage(small, { maxPixels: 1000 }).catch((e: unknown) => e);
    expect(isCurationError(refused) && refused.errorClass).toBe('DecompressionBomb');
    await expect(cropPanels(small, [{ box: [0, 0, 10, 10] }], { maxPixels: 1000 })).rejects.toThrow(/pixel limit/i);
  });
});

describe('cropPanels', () => {
  it('crops each panel (clamped) and encodes it', async () => {
    const bytes = await sharp({ create: { width: 100, height: 50, channels: 3, background: 'blue' } }).png().toBuffer();
    const crops = await cropPanels(bytes, [{ box: [0, 0, 50, 50] }, { box: [50, 10, 100, 40] }, { box: [90, 40, 120, 80] }]);
    expect(crops.map((c) => c.box)).toEqual([[0, 0, 50, 50], [50, 10, 100, 40], [90, 40, 100, 50]]);
    const meta = await sharp(crops[1]!.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 50, 30]);
    const jpeg = await cropPanels({ data: new Uint8Array(20 * 10 * 3), width: 20, height: 10, channels: 3 }, [{ box: [0, 0, 5, 5] }], { format: 'jpeg' });
    expect((await sharp(jpeg[0]!.bytes).metadata()).format).toBe('jpeg');
  });
});
