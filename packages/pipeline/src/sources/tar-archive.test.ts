import { describe, expect, it } from 'vitest';
import { CurationError } from '../errors.ts';
import { isUnsafeEntryPath, readTarContents } from './tar-archive.ts';
import { makeTarGz } from './tar-testing.ts';

async function errorOf(promise: Promise<unknown>): Promise<CurationError> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(CurationError);
  return error as CurationError;
}

describe('readTarContents', () => {
  it('reads the regular files of a package', async () => {
    const { files } = await readTarContents(makeTarGz([{ path: 'PMC1/a.nxml', body: '<article/>' }, { path: 'PMC1/g1.jpg', body: 'x' }]), 'PMC1.tar.gz');
    expect([...files.keys()]).toEqual(['PMC1/a.nxml', 'PMC1/g1.jpg']);
    expect(Buffer.from(files.get('PMC1/a.nxml')!).toString()).toBe('<article/>');
  });

  it('refuses path traversal, absolute paths and links', async () => {
    for (const hostile of [
      [{ path: '../../etc/passwd', body: 'x' }],
      [{ path: 'PMC1/../../evil.sh', body: 'x' }],
      [{ path: 'PMC1/link', type: 'SymbolicLink' as const, linkpath: '/etc/passwd' }],
    ]) {
      const error = await errorOf(readTarContents(makeTarGz(hostile), 'hostile.tar.gz'));
      expect(error.errorClass).toBe('UnsafeArchive');
      expect(error.permanent).toBe(true);
    }
    expect(isUnsafeEntryPath('/abs/path')).toBe(true);
    expect(isUnsafeEntryPath('C:\\x')).toBe(true);
    expect(isUnsafeEntryPath('PMC1/fine..name.jpg')).toBe(false);
  });

  it('refuses archives that expand beyond the limit', async () => {
    const big = makeTarGz([{ path: 'a.bin', body: 'x'.repeat(10_000) }]);
    expect((await errorOf(readTarContents(big, 'big.tar.gz', { maxTotalBytes: 1000 }))).errorClass).toBe('DecompressionBomb');
  });

  it('classifies damaged archives as CorruptArchive', async () => {
    const good = makeTarGz([{ path: 'a.nxml', body: '<article/>'.repeat(200) }]);
    expect((await errorOf(readTarContents(good.subarray(0, good.length / 2), 'cut.tar.gz'))).errorClass).toBe('CorruptArchive');
    expect((await errorOf(readTarContents(Buffer.from('not a tar at all'), 'junk.tar.gz'))).errorClass).toBe('CorruptArchive');
    expect((await errorOf(readTarContents(new Uint8Array(), 'empty.tar.gz'))).errorClass).toBe('CorruptArchive');
  });
});
