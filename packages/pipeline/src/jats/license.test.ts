import { describe, expect, it } from 'vitest';
import { applyMetadataLicense, licenseGroup, normalizeLicenseCode } from './license.ts';
import { parseJats } from './parse.ts';

describe('normalizeLicenseCode', () => {
  it.each<[string | null, string | null]>([
    // PMC metadata JSON values
    ['CC BY', 'CC BY'],
    ['CC0', 'CC0'],
    ['CC BY-NC', 'CC BY-NC'],
    ['CC BY-NC-ND', 'CC BY-NC-ND'],
    ['CC BY-NC-SA', 'CC BY-NC-SA'],
    ['CC BY-SA', 'CC BY-SA'],
    ['CC BY-ND', 'CC BY-ND'],
    ['TDM', 'TDM'],
    [null, null],
    ['', null],
    // short forms and license-type attributes
    ['cc-by', 'CC BY'],
    ['CC-BY 4.0', 'CC BY'],
    ['cc by-nc-nd 3.0', 'CC BY-NC-ND'],
    ['CC BY-NC-SA 3.0 IGO', 'CC BY-NC-SA'],
    ['cc0 1.0', 'CC0'],
    ['open-access', null],
    ['public-domain', null],
    // URLs
    ['http://creativecommons.org/licenses/by/2.0', 'CC BY'],
    ['https://creativecommons.org/licenses/by-nc-nd/4.0/', 'CC BY-NC-ND'],
    ['https://creativecommons.org/licenses/by-nd-nc/1.0/', 'CC BY-NC-ND'],
    ['http://creativecommons.org/licenses/by-sa/3.0/deed.en', 'CC BY-SA'],
    ['http://creativecommons.org/publicdomain/zero/1.0/', 'CC0'],
    ['http://creativecommons.org/publicdomain/mark/1.0/', null],
    ['http://www.elsevier.com/open-access/userlicense/1.0/', null],
    // licence sentences
    ['This is an open-access article distributed under the terms of the Creative Commons Attribution License, which permits unrestricted use', 'CC BY'],
    ['distributed under the Creative Commons Attribution-NonCommercial-NoDerivs 3.0 Unported License', 'CC BY-NC-ND'],
    ['under a Creative Commons Attribution Non-Commercial License', 'CC BY-NC'],
    ['Creative Commons Attribution–NonCommercial–ShareAlike 4.0 International', 'CC BY-NC-SA'],
    ['made available under the Creative Commons Public Domain Dedication', 'CC0'],
    ['The work is made available under the Creative Commons CC0 public domain dedication.', 'CC0'],
    ['Publication of EHP lies in the public domain and is therefore without copyright.', null],
    ['All rights reserved.', null],
  ])('%s → %s', (raw, code) => {
    expect(normalizeLicenseCode(raw)).toBe(code);
  });
});

describe('licenseGroup', () => {
  it.each<[string | null, string]>([
    ['CC0', 'comm'],
    ['CC BY', 'comm'],
    ['CC BY-SA', 'comm'],
    ['CC BY-ND', 'comm'],
    ['CC BY-NC', 'noncomm'],
    ['CC BY-NC-SA', 'noncomm'],
    ['CC BY-NC-ND', 'noncomm'],
    ['TDM', 'other'],
    [null, 'other'],
    ['something else', 'other'],
  ])('%s → %s', (code, group) => {
    expect(licenseGroup(code)).toBe(group);
  });
});

describe('applyMetadataLicense', () => {
  const xml = { code: 'CC BY', url: 'http://creativecommons.org/licenses/by/4.0/', text: 'CC BY text' };
  it('keeps the XML licence without metadata', () => {
    expect(applyMetadataLicense(xml, undefined)).toBe(xml);
  });
  it('takes the code from the metadata and keeps the XML url and text', () => {
    expect(applyMetadataLicense(xml, 'CC BY-NC')).toEqual({ ...xml, code: 'CC BY-NC' });
    expect(applyMetadataLicense(xml, null)).toEqual({ ...xml, code: null });
    expect(applyMetadataLicense(null, 'CC0')).toEqual({ code: 'CC0', url: null, text: null });
  });
});

describe('licence in synthetic XML', () => {
  const wrap = (permissions: string): string =>
    `<article xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:ali="http://www.niso.org/schemas/ali/1.0/"><front><article-meta>${permissions}</article-meta></front></article>`;

  it('reads ali:license_ref when the license has no href', () => {
    const license = parseJats(wrap('<permissions><license><ali:license_ref>https://creativecommons.org/licenses/by-nc/4.0/</ali:license_ref><license-p>Some text.</license-p></license></permissions>')).license;
    expect(license).toEqual({ code: 'CC BY-NC', url: 'https://creativecommons.org/licenses/by-nc/4.0/', text: 'Some text.' });
  });

  it('falls back to license-type', () => {
    expect(parseJats(wrap('<permissions><license license-type="cc-by-nc-nd"><license-p>Open access.</license-p></license></permissions>')).license?.code).toBe('CC BY-NC-ND');
  });

  it('prefers a recognised licence among several', () => {
    const license = parseJats(wrap('<permissions><license license-type="open-access"><license-p>Free to read.</license-p></license><license xlink:href="http://creativecommons.org/licenses/by-sa/4.0/"><license-p>CC BY-SA.</license-p></license></permissions>')).license;
    expect(license?.code).toBe('CC BY-SA');
  });

  it('is null when the article has no permissions at all', () => {
    expect(parseJats(wrap('')).license).toBeNull();
  });

  it('ignores a sub-article licence', () => {
    const xml = '<article xmlns:xlink="http://www.w3.org/1999/xlink"><front><article-meta/></front><sub-article><front-stub><permissions><license xlink:href="http://creativecommons.org/licenses/by/4.0/"/></permissions></front-stub></sub-article></article>';
    expect(parseJats(xml).license).toBeNull();
  });
});
