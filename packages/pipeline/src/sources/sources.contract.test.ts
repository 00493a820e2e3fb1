import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { create as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CurationError } from '../errors.ts';
import { parseJats } from '../jats/index.ts';
import { DirectorySource } from './directory.ts';
import { FsBlobReader } from './fs-blob-reader.ts';
import { LegacyPackageSource } from './legacy-package.ts';
import { PmcCloudSource } from './pmc-cloud.ts';
import { parseOaFileList } from './oa-file-list.ts';
import { makeTarGz } from './tar-testing.ts';
import type { ArticleSource } from './types.ts';

// One real article (eLife 30274, CC BY 4.0) served by every source implementation.
const ARTICLE_DIR = fileURLToPath(new URL('../../../../test/fixtures/articles/elife-30274', import.meta.url));
let root: string;
let server: Server;
let mirrorUrl: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'sources-'));
  await cp(ARTICLE_DIR, path.join(root, 'dir', 'elife-30274'), { recursive: true });
  // PMC Cloud layout on disk.
  const name = 'PMC990000001.1';
  const bucket = path.join(root, 'bucket');
  await mkdir(path.join(bucket, name), { recursive: true });
  await mkdir(path.join(bucket, 'metadata'), { recursive: true });
  for (const file of await readdir(ARTICLE_DIR)) {
    const target = file === 'main.jats.xml' ? `${name}.xml` : file;
    await cp(path.join(ARTICLE_DIR, file), path.join(bucket, name, target));
  }
  const metadata = JSON.stringify({ pmcid: 'PMC990000001', version: 1, pmid: null, doi: '10.7554/eLife.30274', title: 't', is_retracted: false, license_code: 'CC BY', media_urls: [] });
  await writeFile(path.join(bucket, name, `${name}.json`), metadata);
  await writeFile(path.join(bucket, 'metadata', `${name}.json`), metadata);
  // Legacy package: PMC990000001.tar.gz with a folder inside, as the old FTP packages were.
  await mkdir(path.join(root, 'legacy'));
  await cp(ARTICLE_DIR, path.join(root, 'pkg', 'PMC990000001'), { recursive: true });
  await createTar({ gzip: true, cwd: path.join(root, 'pkg'), file: path.join(root, 'legacy', 'PMC990000001.tar.gz') }, ['PMC990000001']);
  await writeFile(path.join(root, 'legacy-hostile.tar.gz'), makeTarGz([{ path: '../escape.nxml', body: '<article/>' }]));
  server = createServer((request, response) => {
    const file = request.url?.split('/').pop() ?? '';
    if (file === 'PMC990000001.tar.gz') return void readFile(path.join(root, 'legacy', file)).then((body) => response.end(body));
    if (file === 'PMC666.tar.gz') return void readFile(path.join(root, 'legacy-hostile.tar.gz')).then((body) => response.end(body));
    if (file === 'PMC500.tar.gz') return void response.writeHead(503).end('busy');
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mirrorUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oa_package/`;
});

afterAll(async () => {
  server?.close();
  await rm(root, { recursive: true, force: true });
});

const implementations: Array<[string, () => ArticleSource]> = [
  ['dir', () => new DirectorySource({ root: path.join(root, 'dir') })],
  ['pmc-s3 (prefix)', () => new PmcCloudSource({ reader: new FsBlobReader(path.join(root, 'bucket')), bucket: 'mirror', enumeration: { mode: 'prefix', prefix: 'PMC' } })],
  ['pmc-s3 (ids)', () => new PmcCloudSource({ reader: new FsBlobReader(path.join(root, 'bucket')), bucket: 'mirror', enumeration: { mode: 'ids', ids: ['PMC990000001'] } })],
  ['legacy (directory)', () => new LegacyPackageSource({ location: path.join(root, 'legacy') })],
  ['legacy (http mirror)', () => new LegacyPackageSource({ location: mirrorUrl, names: ['PMC990000001'] })],
];

describe.each(implementations)('ArticleSource contract: %s', (_name, make) => {
  it('lists the article and opens it with its XML and every figure image', async () => {
    const source = make();
    const refs = [];
    for await (const ref of source.list()) refs.push(ref);
    expect(refs).toHaveLength(1);
    const bundle = await source.open(refs[0]!);
    const jats = parseJats(bundle.xml);
    expect(jats.figures).toHaveLength(5);
    expect(bundle.media.names).toEqual(expect.arrayContaining(['fig1.jpg', 'fig2.jpg', 'fig2-figsupp1.jpg', 'fig2-figsupp2.jpg', 'fig3.jpg']));
    expect(Buffer.from(await bundle.media.read('fig3.jpg')).equals(await readFile(path.join(ARTICLE_DIR, 'fig3.jpg')))).toBe(true);
    const missing = await bundle.media.read('nope.jpg').then(() => null, (error: unknown) => error);
    expect(missing).toBeInstanceOf(CurationError);
  });

  it('honours --limit', async () => {
    const refs = [];
    for await (const ref of make().list({ limit: 0 })) refs.push(ref);
    expect(refs).toHaveLength(0);
  });
});

describe('legacy HTTP mirror errors', () => {
  const open = async (name: string) => {
    const source = new LegacyPackageSource({ location: mirrorUrl, names: [name] });
    for await (const ref of source.list()) return source.open(ref).then(() => null, (error: unknown) => error as CurationError);
    return null;
  };

  it('classifies a missing package as permanent, a 503 as transient and a traversal tar as unsafe', async () => {
    expect(await open('PMC404')).toMatchObject({ errorClass: 'ArticleNotFound', kind: 'permanent' });
    expect(await open('PMC500')).toMatchObject({ errorClass: 'SourceUnavailable', kind: 'transient' });
    expect(await open('PMC666')).toMatchObject({ errorClass: 'UnsafeArchive', kind: 'permanent' });
  });
});

describe('PMC metadata', () => {
  it('rejects a metadata JSON that does not match the schema', async () => {
    const bucket = path.join(root, 'bad-bucket');
    await mkdir(path.join(bucket, 'PMC1.1'), { recursive: true });
    await writeFile(path.join(bucket, 'PMC1.1', 'PMC1.1.json'), JSON.stringify({ pmcid: 'not-a-pmcid', version: 'x' }));
    const source = new PmcCloudSource({ reader: new FsBlobReader(bucket), bucket: 'b', enumeration: { mode: 'prefix', prefix: '' } });
    const refs = [];
    for await (const ref of source.list()) refs.push(ref);
    expect(refs.map((ref) => ref.key)).toEqual(['PMC1.1']);
    await expect(source.open(refs[0]!)).rejects.toMatchObject({ errorClass: 'InvalidMetadata' });
  });
});

describe('legacy oa_file_list.csv', () => {
  it('parses real file lists with and without a header, and the bulk list with its Retracted column', async () => {
    const dir = fileURLToPath(new URL('../../../../test/fixtures/file-lists/', import.meta.url));
    const cc = parseOaFileList(await readFile(path.join(dir, 'geralddzx_capstone__oa_file_list_CC_rows50.csv')));
    expect(cc).toHaveLength(50);
    expect(cc[0]).toEqual({
      file: 'oa_package/e6/58/PMC176545.tar.gz',
      pmcid: 'PMC176545',
      lastUpdated: new Date('2016-12-06T10:05:59Z'),
      pmid: '12929205',
      licenseCode: 'CC BY',
      retracted: false,
    });
    const withHeader = parseOaFileList(await readFile(path.join(dir, 'seanBr97__oa_file_list_with_header.csv')));
    expect(withHeader.map((entry) => entry.pmcid)).toEqual(['PMC7112410', 'PMC7135076', expect.stringMatching(/^PMC\d+$/), expect.stringMatching(/^PMC\d+$/)]);
    expect(withHeader[0]?.licenseCode).toBeNull();
    const bulk = parseOaFileList(await readFile(path.join(dir, 'oa_bulk_filelist_new_format_sample.csv')));
    expect(bulk).toHaveLength(5);
  });

  it('drives the legacy source: package paths relative to the mirror, --since on Last Updated', async () => {
    const fileList = parseOaFileList(
      'oa_package/aa/bb/PMC990000001.tar.gz,Cit,PMC990000001,2024-05-01 10:00:00,1,CC BY\noa_package/cc/dd/PMC2.tar.gz,Cit,PMC2,2019-01-01 10:00:00,2,CC BY\n',
    );
    const source = new LegacyPackageSource({ location: mirrorUrl, fileList });
    const refs = [];
    for await (const ref of source.list({ since: new Date('2020-01-01') })) refs.push(ref);
    expect(refs.map((ref) => [ref.key, ref.location])).toEqual([['legacy:PMC990000001', `${mirrorUrl}oa_package/aa/bb/PMC990000001.tar.gz`]]);
    const bundle = await source.open(refs[0]!);
    expect(parseJats(bundle.xml).figures).toHaveLength(5);
  });
});

describe('PMC daily inventory', () => {
  it('enumerates metadata keys from manifest.json → csv.gz and honours --since', async () => {
    const bucket = path.join(root, 'bucket');
    const rows = [
      '"pmc-oa-opendata","metadata/PMC990000001.1.json","2026-11-20T09:48:18.000Z","aa"',
      '"pmc-oa-opendata","metadata/PMC8267076.1.json","2026-02-22T09:48:18.000Z","bb"',
      '"pmc-oa-opendata","PMC8267076.1/gr1.jpg","2026-11-22T09:48:18.000Z","cc"',
    ].join('\n');
    await mkdir(path.join(bucket, 'inv', 'data'), { recursive: true });
    await writeFile(path.join(bucket, 'inv', 'data', 'part-0.csv.gz'), gzipSync(rows));
    await writeFile(path.join(bucket, 'inv', 'manifest.json'), JSON.stringify({ files: [{ key: 'inv/data/part-0.csv.gz' }] }));
    const source = new PmcCloudSource({ reader: new FsBlobReader(bucket), bucket: 'mirror', enumeration: { mode: 'inventory', manifestKey: 'inv/manifest.json' } });
    const all = [];
    for await (const ref of source.list()) all.push(ref.key);
    expect(all).toEqual(['PMC990000001.1', 'PMC8267076.1']);
    const recent = [];
    for await (const ref of source.list({ since: new Date('2026-06-01') })) recent.push(ref.key);
    expect(recent).toEqual(['PMC990000001.1']);
    await writeFile(path.join(bucket, 'inv', 'broken.json'), '{"files": []}');
    const broken = new PmcCloudSource({ reader: new FsBlobReader(bucket), bucket: 'mirror', enumeration: { mode: 'inventory', manifestKey: 'inv/broken.json' } });
    await expect(async () => {
      for await (const ref of broken.list()) void ref;
    }).rejects.toMatchObject({ errorClass: 'InvalidMetadata' });
  });
});
