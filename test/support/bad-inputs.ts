import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/** A real PNG whose IHDR declares width × height: decoding it would allocate that many pixels. */
export async function pngDeclaring(width: number, height: number): Promise<Buffer> {
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png().toBuffer();
  const out = Buffer.from(png);
  // IHDR data starts at byte 16 (8 signature + 4 length + 4 type); CRC covers type + data (17 bytes).
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)) >>> 0, 29);
  return out;
}

/** The first half of a real JPEG: a truncated file. */
export async function truncatedJpeg(): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#336699' } })
    .composite([{ input: Buffer.from('<svg width="400" height="300"><text x="20" y="150" font-size="60">A</text></svg>') }])
    .jpeg()
    .toBuffer();
  return jpeg.subarray(0, Math.floor(jpeg.length / 3));
}

/** A BMP header: a real image format that the pipeline does not accept. */
export function bmpBytes(): Buffer {
  const width = 40;
  const height = 40;
  const rowSize = Math.ceil((24 * width) / 32) * 4;
  const size = 54 + rowSize * height;
  const bmp = Buffer.alloc(size);
  bmp.write('BM', 0);
  bmp.writeUInt32LE(size, 2);
  bmp.writeUInt32LE(54, 10);
  bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(width, 18);
  bmp.writeInt32LE(height, 22);
  bmp.writeUInt16LE(1, 26);
  bmp.writeUInt16LE(24, 28);
  bmp.writeUInt32LE(rowSize * height, 34);
  return bmp;
}

/**
 * A PNG of side × side pixels (under the default pixel limit for 14000), made by scaling up a small raw
 * pattern: a few MB on disk, hundreds of MB of pixels once decoded.
 */
export async function hugePng(side = 14_000): Promise<Buffer> {
  const small = Buffer.alloc(140 * 140 * 3, 255);
  // Dark blocks on white: panels for the layout analysis to find.
  for (let y = 0; y < 140; y++) for (let x = 0; x < 140; x++) if ((x % 70 > 8 && x % 70 < 62) && (y % 70 > 8 && y % 70 < 62) && (x + y) % 3 === 0) small.fill(40, (y * 140 + x) * 3, (y * 140 + x) * 3 + 3);
  return sharp(small, { raw: { width: 140, height: 140, channels: 3 } }).resize(side, side, { kernel: 'nearest' }).png({ compressionLevel: 1 }).toBuffer();
}

/**
 * Writes a gzipped tar holding `xml` as PMC/<name>.nxml and a file of `expandedBytes` zeros: a few MB that
 * expand to gigabytes (a decompression bomb). Streamed, so making it takes little memory.
 */
export async function writeTarGzBomb(file: string, xml: string, expandedBytes: number): Promise<void> {
  const { createWriteStream } = await import('node:fs');
  const { createGzip, constants } = await import('node:zlib');
  const { Header } = await import('tar');
  const header = (path: string, size: number) => {
    const block = Buffer.alloc(512);
    new Header({ path, mode: 0o644, size, type: 'File', mtime: new Date(0) }).encode(block, 0);
    return block;
  };
  const gzip = createGzip({ level: constants.Z_BEST_COMPRESSION });
  const done = new Promise<void>((resolve, reject) => gzip.pipe(createWriteStream(file)).on('finish', resolve).on('error', reject));
  const write = (chunk: Buffer) => (gzip.write(chunk) ? Promise.resolve() : new Promise<void>((resolve) => gzip.once('drain', () => resolve())));
  const body = Buffer.from(xml);
  await write(header('PMC/article.nxml', body.length));
  await write(Buffer.concat([body, Buffer.alloc((512 - (body.length % 512)) % 512)]));
  await write(header('PMC/zeros.bin', expandedBytes));
  const zeros = Buffer.alloc(4 * 2 ** 20);
  for (let left = expandedBytes; left > 0; left -= zeros.length) await write(left >= zeros.length ? zeros : zeros.subarray(0, left));
  await write(Buffer.alloc((512 - (expandedBytes % 512)) % 512 + 1024));
  gzip.end();
  await done;
}
