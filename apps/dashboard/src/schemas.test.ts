import { describe, expect, it } from 'vitest';
import { failuresQuery, objectParams, pairsQuery, parseSince } from './schemas.ts';

describe('query schemas', () => {
  it('parses failure filters with defaults', () => {
    expect(failuresQuery.parse({})).toEqual({ resolved: 'false', page: 1, pageSize: 50 });
    const parsed = failuresQuery.parse({ stage: 'align', errorClass: 'NoPanels', resolved: 'all', page: '3', pageSize: '10', since: '2026-01-31' });
    expect(parsed).toMatchObject({ stage: 'align', errorClass: 'NoPanels', resolved: 'all', page: 3, pageSize: 10 });
    expect(parsed.since?.toISOString()).toBe('2026-01-31T00:00:00.000Z');
  });

  it('treats empty form fields as absent', () => {
    expect(failuresQuery.parse({ stage: '', errorClass: '', since: '', run: '' })).toEqual({ resolved: 'false', page: 1, pageSize: 50 });
  });

  it('rejects unknown stages, bad pages, bad dates, unknown keys and repeated keys', () => {
    for (const query of [{ stage: 'bogus' }, { page: '0' }, { page: 'x' }, { pageSize: '1000' }, { since: 'yesterday' }, { nope: '1' }, { stage: ['ingest', 'align'] }]) {
      expect({ query, ok: failuresQuery.safeParse(query).success }).toEqual({ query, ok: false });
    }
  });

  it('accepts relative since values', () => {
    const now = new Date('2026-11-28T12:00:00Z');
    expect(parseSince('24h', now)?.toISOString()).toBe('2026-11-27T12:00:00.000Z');
    expect(parseSince('30m', now)?.toISOString()).toBe('2026-11-28T11:30:00.000Z');
    expect(parseSince('7d', now)?.toISOString()).toBe('2026-11-21T12:00:00.000Z');
    expect(parseSince('soon', now)).toBeNull();
  });

  it('bounds pair confidence', () => {
    expect(pairsQuery.parse({ minConfidence: '0.5' }).minConfidence).toBe(0.5);
    expect(pairsQuery.safeParse({ minConfidence: '2' }).success).toBe(false);
  });

  it('accepts object keys as the curator writes them and nothing that walks paths', () => {
    expect(objectParams.safeParse({ key: 'normalized/ab12.jpg' }).success).toBe(true);
    for (const key of ['../etc/passwd', 'a/../b', 'a//b', '/abs', 'a b.jpg', '']) {
      expect({ key, ok: objectParams.safeParse({ key }).success }).toEqual({ key, ok: false });
    }
  });
});
