import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CurationError } from '../errors.ts';
import { DirectorySource } from './directory.ts';
import { LegacyPackageSource } from './legacy-package.ts';
import { readTarContents } from './tar-archive.ts';
import { makeTarGz } from './tar-testing.ts';

let root: string;
let outside: string;
const ARTICLE = '<article><body><fig id="f1"><graphic xlink:href="g1"/></fig></body></article>';

async function errorOf(promise: Promise<unknown>): Promise<CurationError> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(CurationError);
  return error as CurationError;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'pmc-hostile-'));
  outside = await mkdtemp(path.join(os.tmpdir(), 'pmc-outside-'));
  await writeFile(path.join(outside, 'secret.jpg'), 'not yours');
  await mkdir(path.join(root, 'a'));
  await writeFile(path.join(root, 'a', 'article.nxml'), ARTICLE);
  await writeFile(path.join(root, 'a', 'fine.jpg'), 'jpeg bytes');
  execFileSync('mkfifo', [path.join(root, 'a', 'fifo.jpg')]);
  await symlink('/dev/zero', path.join(root, 'a', 'zero.jpg'));
  await symlink(path.join(outside, 'secret.jpg'), path.join(root, 'a', 'escape.jpg'));
  await symlink('fine.jpg', path.join(root, 'a', 'alias.jpg'));
  await symlink('nowhere.jpg', path.join(root, 'a', 'dangling.jpg'));
  await writeFile(path.join(root, 'a', 'huge.jpg'), Buffer.alloc(4096));
  // An article whose XML is a FIFO: opening it must not wedge the reader.
  await mkdir(path.join(root, 'b'));
  execFileSync('mkfifo', [path.join(root, 'b', 'article.nxml')]);
  // A folder that is a link to a directory outside the root is not listed.
  await symlink(outside, path.join(root, 'c'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('DirectorySource with hostile files', () => {
  const source = () => new DirectorySource({ root, maxFileBytes: 1024 });

  it('lists real folders only', async () => {
    const keys: string[] = [];
    for await (const ref of source().list()) keys.push(ref.key);
    expect(keys).toEqual(['dir:a', 'dir:b']);
  });

  it('reads regular files and links that stay inside the root', async () => {
    const bundle = await source().open({ key: 'dir:a', sourceKind: 'dir', location: path.join(root, 'a') });
    expect(Buffer.from(bundle.xml).toString()).toBe(ARTICLE);
    expect(Buffer.from(await bundle.media.read('fine.jpg')).toString()).toBe('jpeg bytes');
    expect(Buffer.from(await bundle.media.read('alias.jpg')).toString()).toBe('jpeg bytes');
  });

  it('refuses FIFOs, devices, links out of the root and oversized files with permanent classified errors', async () => {
    const bundle = await source().open({ key: 'dir:a', sourceKind: 'dir', location: path.join(root, 'a') });
    const cases: Array<[string, string]> = [
      ['fifo.jpg', 'UnsafeFile'],
      ['zero.jpg', 'UnsafeFile'],
      ['escape.jpg', 'UnsafeFile'],
      ['dangling.jpg', 'UnsafeFile'],
      ['huge.jpg', 'FileTooLarge'],
      ['absent.jpg', 'MissingImage'],
    ];
    for (const [name, errorClass] of cases) {
      const error = await errorOf(bundle.media.read(name));
      expect({ name, errorClass: error.errorClass, permanent: error.permanent, subject: error.subject }).toEqual({ name, errorClass, permanent: true, subject: name });
    }
  });

  it('refuses an article whose XML is a FIFO instead of blocking on it', async () => {
    const error = await errorOf(source().open({ key: 'dir:b', sourceKind: 'dir', location: path.join(root, 'b') }));
    expect(error.errorClass).toBe('UnsafeFile');
  });

  it('refuses a folder outside the root even when a job names it', async () => {
    const error = await errorOf(source().open({ key: 'dir:c', sourceKind: 'dir', location: path.join(root, 'c') }));
    expect(error.errorClass).toBe('UnsafeFile');
  });
});

describe('legacy packages with hostile entries', () => {
  it('refuses FIFO and device entries', async () => {
    for (const type of ['FIFO', 'CharacterDevice'] as const) {
      const tar = makeTarGz([{ path: 'PMC1/a.nxml', body: ARTICLE }, { path: 'PMC1/g1.jpg', type }]);
      const error = await errorOf(readTarContents(tar, 'PMC1.tar.gz'));
      expect(error.errorClass).toBe('UnsafeArchive');
    }
  });

  it('stops a decompression bomb as soon as the running total passes the cap', async () => {
    // 64 MiB of zeros compress to about 64 KiB.
    const bomb = makeTarGz([{ path: 'PMC1/a.nxml', body: ARTICLE }, { path: 'PMC1/zeros.bin', body: Buffer.alloc(64 * 2 ** 20) }]);
    expect(bomb.length).toBeLessThan(2 ** 20);
    const error = await errorOf(readTarContents(bomb, 'PMC1.tar.gz', { maxTotalBytes: 8 * 2 ** 20 }));
    expect(error.errorClass).toBe('DecompressionBomb');
  });

  it('stops an archive that expands past the cap at a ratio tar itself lets through', async () => {
    // About 30-fold compression: under tar's own 1000-fold ratio check, so only the running total stops it.
    const body = Buffer.alloc(24 * 2 ** 20);
    for (let i = 0; i < body.length; i += 32) body[i] = (i * 2654435761) >>> 24;
    const bomb = makeTarGz([{ path: 'PMC1/a.nxml', body: ARTICLE }, { path: 'PMC1/data.bin', body }]);
    const error = await errorOf(readTarContents(bomb, 'PMC1.tar.gz', { maxTotalBytes: 8 * 2 ** 20 }));
    expect(error).toMatchObject({ errorClass: 'DecompressionBomb', message: expect.stringContaining('expands beyond') });
    expect((await readTarContents(bomb, 'PMC1.tar.gz', { maxTotalBytes: 32 * 2 ** 20 })).files.get('PMC1/data.bin')?.byteLength).toBe(body.length);
  });

  it('keeps an oversized entry out of memory and refuses it when it is read (FileTooLarge)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pmc-legacy-'));
    try {
      await writeFile(path.join(dir, 'PMC1.tar.gz'), makeTarGz([{ path: 'PMC1/a.nxml', body: ARTICLE }, { path: 'PMC1/g1.jpg', body: Buffer.alloc(10_000) }]));
      await symlink('/dev/zero', path.join(dir, 'PMC2.tar.gz'));
      const source = new LegacyPackageSource({ location: dir, maxFileBytes: 4096 });
      const bundle = await source.open({ key: 'legacy:PMC1', sourceKind: 'legacy', location: path.join(dir, 'PMC1.tar.gz') });
      expect(bundle.media.names).toEqual(['g1.jpg']);
      const error = await errorOf(bundle.media.read('g1.jpg'));
      expect(error).toMatchObject({ errorClass: 'FileTooLarge', subject: 'g1.jpg' });
      // A package that is a link to a device is refused before anything is read.
      expect((await errorOf(source.open({ key: 'legacy:PMC2', sourceKind: 'legacy', location: path.join(dir, 'PMC2.tar.gz') }))).errorClass).toBe('UnsafeFile');
      // A gzip stream that is not a tar at all stays CorruptArchive.
      await writeFile(path.join(dir, 'PMC3.tar.gz'), gzipSync(Buffer.from('plain text')));
      expect((await errorOf(source.open({ key: 'legacy:PMC3', sourceKind: 'legacy', location: path.join(dir, 'PMC3.tar.gz') }))).errorClass).toBe('CorruptArchive');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
