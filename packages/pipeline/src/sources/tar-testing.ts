import { gzipSync } from 'node:zlib';
import { Header } from 'tar';

/** Builds a gzipped tar by hand so hostile entries (which tar's own writer refuses) can be made. */
export function makeTarGz(entries: Array<{ path: string; body?: string | Buffer; type?: 'File' | 'SymbolicLink' | 'FIFO' | 'CharacterDevice'; linkpath?: string }>): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    const hasBody = (entry.type ?? 'File') === 'File';
    const header = Buffer.alloc(512);
    new Header({
      path: entry.path,
      mode: 0o644,
      size: hasBody ? body.length : 0,
      type: entry.type ?? 'File',
      linkpath: entry.linkpath ?? '',
      mtime: new Date(0),
    }).encode(header, 0);
    blocks.push(header);
    if (hasBody) {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

