import { describe, expect, it } from 'vitest';
import type { PairMethod } from '@prisma/client';
import { canonicalCommand, exportIdentity, parseExportOptions } from './options.ts';
import { articleKeyPart, extensionOf, graphicOf, keyPart, sampleKey, samplesOfFigure } from './sample.ts';
import type { FigureRow } from './select.ts';
import { shardName } from './manifest.ts';

const article = { key: 'PMC123.2', pmcid: 'PMC123', version: 2, doi: '10.1/x', licenseCode: 'CC BY 4.0', licenseGroup: 'comm', ingestVersion: 3, detectVersion: 2, alignVersion: 2 };

function panel(index: number, pair: { method: PairMethod; confidence: number } | null) {
  return {
    index,
    x1: index * 10,
    y1: 0,
    x2: index * 10 + 9,
    y2: 9,
    labelText: 'A',
    method: 'layout-ocr',
    modelVersion: 'm@1',
    detectVersion: 2,
    cropKey: `crops/ab/${'a'.repeat(63)}${index}.jpg`,
    cropSha256: `${'a'.repeat(63)}${index}`,
    pair: pair ? { label: 'A', text: `text ${index}`, alignVersion: 2, ...pair } : null,
  };
}

function figure(subfigures: FigureRow['subfigures']): FigureRow {
  return {
    id: 'f',
    jatsId: 'F3',
    graphicIndex: 0,
    graphicHref: null,
    graphicHrefs: ['g3.jpg'],
    mediaName: null,
    label: 'Figure 3',
    caption: 'Figure 3. (A) text 0 (B) text 1',
    normalizedKey: 'normalized/cd/ffff.png',
    sha256: 'ffff',
    width: 100,
    height: 50,
    article,
    subfigures,
  };
}

const noFilters = { minConfidence: null, license: 'all' as const, methods: null, wholeFigures: false };

describe('sample keys', () => {
  it('are stable, dot-free and tar-safe', () => {
    expect(sampleKey({ jatsId: 'F3', graphicIndex: 0, article }, 2)).toBe('PMC123_2__F3_g0__p2');
    expect(sampleKey({ jatsId: 'F3', graphicIndex: 1, article }, 'fig')).toBe('PMC123_2__F3_g1__fig');
    expect(articleKeyPart({ key: 'dir:my.article', pmcid: null, version: null })).toMatch(/^dir-my-article-h[0-9a-f]{6}$/);
    // Sanitising never makes two ids collide: a changed id carries a hash of the original.
    expect(keyPart('fig.1')).not.toBe(keyPart('fig-1'));
    expect(keyPart('fig__1')).not.toMatch(/__/);
    expect(keyPart('F1')).toBe('F1');
  });
  it('extension and graphic fall back sensibly', () => {
    expect(extensionOf('crops/ab/x.jpg')).toBe('jpg');
    expect(extensionOf('normalized/ab/x.PNG')).toBe('png');
    expect(graphicOf({ graphicHref: 'a.tif', graphicHrefs: ['b.tif'], mediaName: 'c' })).toBe('a.tif');
    expect(graphicOf({ graphicHref: null, graphicHrefs: ['b.tif'], mediaName: 'c' })).toBe('b.tif');
    expect(graphicOf({ graphicHref: null, graphicHrefs: [], mediaName: 'c' })).toBe('c');
  });
});

describe('samplesOfFigure', () => {
  const row = figure([panel(0, { method: 'label', confidence: 0.9 }), panel(1, { method: 'position', confidence: 0.3 }), panel(2, null)]);

  it('gives one sample per pair with provenance, in subfigure order', () => {
    const samples = samplesOfFigure(row, noFilters);
    expect(samples.map((sample) => sample.key)).toEqual(['PMC123_2__F3_g0__p0', 'PMC123_2__F3_g0__p1']);
    expect(samples[1]!.meta).toMatchObject({ pmcid: 'PMC123', version: 2, graphic: 'g3.jpg', box: [10, 0, 19, 9], method: 'position', confidence: 0.3, model_version: 'm@1', subcaption: 'text 1' });
    expect(samples[0]!.dedupKey).toBe(`crop:${'a'.repeat(63)}0`);
  });
  it('applies --min-confidence and --methods', () => {
    expect(samplesOfFigure(row, { ...noFilters, minConfidence: 0.5 }).map((s) => s.meta.method)).toEqual(['label']);
    expect(samplesOfFigure(row, { ...noFilters, methods: ['position'] }).map((s) => s.meta.method)).toEqual(['position']);
  });
  it('adds a whole figure only for figures with no pairs or a single panel', () => {
    expect(samplesOfFigure(row, { ...noFilters, wholeFigures: true }).some((s) => s.meta.method === 'whole-figure')).toBe(false);
    const single = samplesOfFigure(figure([panel(0, { method: 'label', confidence: 1 })]), { ...noFilters, wholeFigures: true });
    expect(single.map((s) => s.key)).toEqual(['PMC123_2__F3_g0__p0', 'PMC123_2__F3_g0__fig']);
    const whole = samplesOfFigure(figure([panel(0, null), panel(1, null)]), { ...noFilters, wholeFigures: true });
    expect(whole).toHaveLength(1);
    expect(whole[0]).toMatchObject({ imageKey: 'normalized/cd/ffff.png', ext: 'png', text: row.caption, meta: { box: [0, 0, 100, 50], confidence: null } });
  });
});

describe('export options', () => {
  it('validates with hints and canonicalises the methods list', () => {
    const options = parseExportOptions({ run: 'latest', format: 'jsonl', out: 'd', methods: 'position, label,label', imageBytes: true, wholeFigures: false });
    expect(options.methods).toEqual(['label', 'position']);
    expect(() => parseExportOptions({ run: 'r', format: 'zip', out: 'd' })).toThrow(/--format takes webdataset, parquet, jsonl/);
    expect(() => parseExportOptions({ run: 'r', format: 'jsonl', out: 'd', minConfidence: '2' })).toThrow(/--min-confidence/);
    expect(() => parseExportOptions({ run: 'r', format: 'jsonl', out: 'd', license: 'other' })).toThrow(/comm, noncomm or all/);
    expect(() => parseExportOptions({ run: 'r', format: 'jsonl', out: 'd', shardSize: '10k' })).toThrow(/--shard-size: takes an integer ≥ 1/);
    expect(() => parseExportOptions({ run: 'r', format: 'jsonl', out: 'd', methods: 'label,label-match' })).toThrow(/--methods.*: methods are label, position, order, whole-caption, unmatched-panel/);
    expect(canonicalCommand(exportIdentity(options, 'run-1'))).toBe('curator export --run run-1 --format jsonl --methods label,position --out <this directory>');
  });
  it('names shards by format and index', () => {
    expect(shardName('webdataset', 3)).toBe('shard-000003.tar');
    expect(shardName('parquet', 0)).toBe('shard-000000.parquet');
  });
});
