import { describe, expect, it } from 'vitest';
import { CurationError } from '../errors.ts';
import { DirectorySource } from './directory.ts';
import { MemoryFileTree } from './file-tree.ts';
import { LegacyPackageSource } from './legacy-package.ts';
import { makeTarGz } from './tar-testing.ts';

// Sources over an in-memory file tree: the same code paths as on disk, with no disk at all.
const ARTICLE = '<article><body><fig id="f1"><graphic xlink:href="g1"/></fig></body></article>';
const META = JSON.stringify({ pmcid: 'PMC7', version: 2, license_code: 'CC BY', is_retracted: false });

async function errorOf(work: Promise<unknown>): Promise<CurationError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof CurationError) return error;
    throw error;
  }
  throw new Error('expected a CurationError');
}

describe('DirectorySource over a MemoryFileTree', () => {
  const tree = new MemoryFileTree('/articles');
  tree.put('a/article.nxml', ARTICLE, new Date('2026-01-01'));
  tree.put('a/g1.jpg', 'jpeg bytes', new Date('2026-01-01'));
  tree.put('b/PMC7.2.json', META, new Date('2026-06-01'));
  tree.put('b/article.xml', ARTICLE, new Date('2026-06-01'));
  tree.put('loose.txt', 'not an article folder');
  const source = new DirectorySource({ root: '/articles', tree, maxFileBytes: 100 });

  it('lists the folders, honours --since through the tree, and opens an article with its media', async () => {
    const refs = [];
    for await (const ref of source.list()) refs.push(ref.key);
    expect(refs).toEqual(['dir:a', 'dir:b']);
    const recent = [];
    for await (const ref of source.list({ since: new Date('2026-03-01') })) recent.push(ref.key);
    expect(recent).toEqual(['dir:b']);
    const bundle = await source.open({ key: 'dir:a', sourceKind: 'dir', location: '/articles/a' });
    expect(new TextDecoder().decode(bundle.xml)).toBe(ARTICLE);
    expect(bundle.media.names).toEqual(['g1.jpg']);
    expect(new TextDecoder().decode(await bundle.media.read('g1.jpg'))).toBe('jpeg bytes');
    expect((await errorOf(bundle.media.read('g2.jpg'))).errorClass).toBe('MissingImage');
  });

  it('reads the metadata JSON, refuses files over the cap and folders outside the root', async () => {
    const bundle = await source.open({ key: 'dir:b', sourceKind: 'dir', location: '/articles/b' });
    expect(bundle.ref.key).toBe('PMC7.2');
    tree.put('c/article.xml', 'x'.repeat(101));
    expect((await errorOf(source.open({ key: 'dir:c', sourceKind: 'dir', location: '/articles/c' }))).errorClass).toBe('FileTooLarge');
    expect((await errorOf(source.open({ key: 'dir:x', sourceKind: 'dir', location: '/elsewhere/a' }))).errorClass).toBe('UnsafeFile');
    expect((await errorOf(source.open({ key: 'dir:gone', sourceKind: 'dir', location: '/articles/gone' }))).errorClass).toBe('ArticleNotFound');
  });
});

describe('LegacyPackageSource over a MemoryFileTree', () => {
  it('lists and opens packages without a disk', async () => {
    const tree = new MemoryFileTree('/packages', {
      'PMC1.tar.gz': makeTarGz([{ path: 'PMC1/a.nxml', body: ARTICLE }, { path: 'PMC1/g1.jpg', body: 'jpeg' }]),
      'notes.txt': 'not a package',
    });
    const source = new LegacyPackageSource({ location: '/packages', tree });
    const refs = [];
    for await (const ref of source.list()) refs.push(ref);
    expect(refs.map((ref) => ref.key)).toEqual(['legacy:PMC1']);
    const bundle = await source.open(refs[0]!);
    expect(new TextDecoder().decode(bundle.xml)).toBe(ARTICLE);
    expect(new TextDecoder().decode(await bundle.media.read('g1.jpg'))).toBe('jpeg');
    expect((await errorOf(source.open({ key: 'legacy:x', sourceKind: 'legacy', location: '/other/PMC1.tar.gz' }))).errorClass).toBe('UnsafeFile');
  });
});
