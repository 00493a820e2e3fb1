import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { CurationError } from '../errors.ts';
import { normalizedKey, originalKey, processImage, sha256Hex } from './decode.ts';

const fixture = (name: string) => new URL(`../../../../test/fixtures/articles/${name}`, import.meta.url);

async function expectClass(promise: Promise<unknown>, errorClass: string) {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(CurationError);
  expect((error as CurationError).errorClass).toBe(errorClass);
  expect((error as CurationError).permanent).toBe(true);
}

const solid = (channels: 3 | 4, width = 80, height = 60) =>
  sharp({ create: { width, height, channels, background: channels === 4 ? { r: 10, g: 20, b: 30, alpha: 0.5 } : '#204060' } });

describe('processImage on real figures', () => {
  it('keeps the original bytes, hashes them and writes a JPEG copy of a JPEG', async () => {
    const bytes = await readFile(fixture('elife-46472/fig1.jpg'));
    const image = await processImage(bytes, 'fig1.jpg');
    expect(image.format).toBe('jpeg');
    expect(image.sha256).toBe(sha256Hex(bytes));
    expect(image.original).toBe(bytes);
    expect(image.normalized.format).toBe('jpeg');
    const meta = await sharp(image.normalized.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([image.width, image.height]);
  });

  it('decodes a real TIFF figure and a real PNG figure', async () => {
    const tiff = await processImage(await readFile(fixture('pone.0060593/pone.0060593.g001.tif')), 'g001.tif');
    expect(tiff.format).toBe('tiff');
    expect((await sharp(tiff.normalized.bytes).metadata()).space).toBe('srgb');
    const png = await processImage(await readFile(fixture('pone.0000010/pone.0000010.g001.png')), 'g001.png');
    expect(png.format).toBe('png');
    expect(png.normalized.format).toBe('png');
  });
});

describe('processImage normalises unusual encodings', () => {
  it('takes the first page of a multi-page TIFF', async () => {
    const red = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const blue = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#0000ff' } }).png().toBuffer();
    const tiff = await sharp([red, blue], { join: { animated: true } }).tiff().toBuffer();
    const image = await processImage(tiff, 'multi.tif');
    expect(image.format).toBe('tiff');
    expect(image.pages).toBe(2);
    expect([image.width, image.height]).toEqual([64, 48]);
    const { data, info } = await sharp(image.normalized.bytes).raw().toBuffer({ resolveWithObject: true });
    expect(info.height).toBe(48);
    expect(data[0]).toBeGreaterThan(200);
    expect(data[2]).toBeLessThan(50);
  });

  it('converts CMYK and 16-bit images to 8-bit sRGB', async () => {
    const cmyk = await solid(3).toColourspace('cmyk').jpeg().toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const fromCmyk = await processImage(cmyk, 'cmyk.jpg');
    expect((await sharp(fromCmyk.normalized.bytes).metadata()).space).toBe('srgb');
    const sixteen = await solid(3).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(sixteen).metadata()).depth).toBe('ushort');
    const from16 = await processImage(sixteen, '16bit.png');
    expect((await sharp(from16.normalized.bytes).metadata()).depth).toBe('uchar');
  });

  it('keeps transparency as PNG and handles palette GIFs', async () => {
    const alpha = await processImage(await solid(4).png().toBuffer(), 'alpha.png');
    expect(alpha.normalized.format).toBe('png');
    const gif = await processImage(await solid(3).gif().toBuffer(), 'x.gif');
    expect(gif.format).toBe('gif');
    expect(gif.normalized.format).toBe('png');
  });
});

describe('processImage refuses bad input with a permanent, classified error', () => {
  it('classifies empty, corrupt, unsupported, tiny, huge and bomb images', async () => {
    await expectClass(processImage(new Uint8Array(), 'empty.jpg'), 'EmptyImage');
    const jpeg = await solid(3, 400, 300).jpeg().toBuffer();
    await expectClass(processImage(jpeg.subarray(0, 200), 'truncated.jpg'), 'CorruptImage');
    await expectClass(processImage(Buffer.from('%PDF-1.4 not an image at all'), 'x.pdf'), 'UnsupportedFormat');
    await expectClass(processImage(await solid(3, 8, 8).png().toBuffer(), 'icon.png'), 'ImageTooSmall');
    const png = Buffer.from(await solid(3, 64, 64).png().toBuffer());
    png.writeUInt32BE(60_000, 16);
    png.writeUInt32BE(60_000, 20);
    png.writeUInt32BE(crc32(png.subarray(12, 29)) >>> 0, 29);
    await expectClass(processImage(png, 'bomb.png'), 'DecompressionBomb');
    await expectClass(processImage(await solid(3, 64, 64).png().toBuffer(), 'wide.png', { minSide: 1, maxSide: 50, maxPixels: 1e9, maxBytes: 1e9 }), 'ImageTooLarge');
  });
});

describe('object keys', () => {
  it('are content-addressed and stable', () => {
    const sha = sha256Hex(Buffer.from('abc'));
    expect(originalKey(sha, 'tiff')).toBe(`originals/ba/${sha}.tif`);
    expect(normalizedKey(sha, 'jpeg')).toBe(`normalized/ba/${sha}.jpg`);
  });
});
