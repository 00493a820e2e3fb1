import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { normalizeLicenseCode, parseJats } from '@pmc-curator/pipeline/jats';

export interface LocalArticle {
  /** Folder with one XML and its media files. */
  folder: string;
  pmcid: string;
  version: number;
}

export interface LayoutObject {
  key: string;
  body: Uint8Array;
  contentType: string;
}

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

function contentTypeFor(name: string): string {
  const ext = path.extname(name).toLowerCase();
  return (
    { '.xml': 'application/xml', '.json': 'application/json', '.jpg': 'image/jpeg', '.png': 'image/png', '.tif': 'image/tiff', '.gif': 'image/gif' }[ext] ??
    'application/octet-stream'
  );
}

/**
 * Lays a local article out as the PMC Cloud bucket does: `PMC<id>.<ver>/` with the JATS XML, the
 * metadata JSON (also under `metadata/`) and the media files under their own names.
 */
export async function pmcLayoutObjects(article: LocalArticle, bucket: string): Promise<LayoutObject[]> {
  const name = `${article.pmcid}.${article.version}`;
  const files = (await readdir(article.folder)).sort();
  const xmlFile = files.find((file) => /\.(n?xml)$/i.test(file));
  if (!xmlFile) throw new Error(`${article.folder} holds no XML file`);
  const xml = await readFile(path.join(article.folder, xmlFile));
  const jats = parseJats(xml);
  const objects: LayoutObject[] = [{ key: `${name}/${name}.xml`, body: xml, contentType: 'application/xml' }];
  const mediaUrls: string[] = [];
  for (const file of files) {
    if (file === xmlFile || file.startsWith('.') || file.endsWith('.md')) continue;
    const body = await readFile(path.join(article.folder, file));
    objects.push({ key: `${name}/${file}`, body, contentType: contentTypeFor(file) });
    mediaUrls.push(`s3://${bucket}/${name}/${file}?md5=${md5(body)}`);
  }
  const metadata = {
    pmcid: article.pmcid,
    version: article.version,
    pmid: jats.pmid ? Number(jats.pmid) : null,
    doi: jats.doi,
    mid: null,
    title: jats.title,
    citation: null,
    is_pmc_openaccess: true,
    is_manuscript: false,
    is_historical_ocr: false,
    is_retracted: false,
    license_code: normalizeLicenseCode(jats.license?.code ?? '') ?? null,
    xml_url: `s3://${bucket}/${name}/${name}.xml?md5=${md5(xml)}`,
    text_url: null,
    pdf_url: null,
    media_urls: mediaUrls,
  };
  const json = Buffer.from(JSON.stringify(metadata, null, 2));
  objects.push({ key: `${name}/${name}.json`, body: json, contentType: 'application/json' });
  objects.push({ key: `metadata/${name}.json`, body: json, contentType: 'application/json' });
  return objects;
}

/** A daily-inventory manifest and its csv.gz for the given article versions. */
export function inventoryObjects(bucket: string, names: string[], stamp = '2026-11-28T00-00Z', modified = new Date('2026-11-27T09:48:18.000Z')): LayoutObject[] {
  const base = `inventory-reports/${bucket}/metadata/${stamp}`;
  const rows = names.map((name) => `"${bucket}","metadata/${name}.json","${modified.toISOString()}","${md5(Buffer.from(name))}"`).join('\n');
  const dataKey = `inventory-reports/${bucket}/metadata/data/${md5(Buffer.from(stamp))}.csv.gz`;
  const manifest = { sourceBucket: bucket, destinationBucket: `arn:aws:s3:::${bucket}`, fileFormat: 'CSV', files: [{ key: dataKey, size: 0, MD5checksum: '' }] };
  return [
    { key: dataKey, body: gzipSync(`${rows}\n`), contentType: 'application/gzip' },
    { key: `${base}/manifest.json`, body: Buffer.from(JSON.stringify(manifest)), contentType: 'application/json' },
  ];
}
