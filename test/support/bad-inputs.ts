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
