import { CurationError } from '@pmc-curator/pipeline/errors';
import { beforeAll, describe, expect, it } from 'vitest';
import { listAll, testConfig, testStore } from '../../../../test/support/servers.ts';
import type { S3ObjectStore } from './object-store.ts';

let store: S3ObjectStore;
const bytes = (text: string) => new TextEncoder().encode(text);

beforeAll(async () => {
  store = await testStore(testConfig());
});

describe('S3ObjectStore against s3rver', () => {
  it('putIfAbsent writes a key once; the same bytes again are not written', async () => {
    expect(await store.putIfAbsent('originals/a.png', bytes('first'), 'image/png')).toBe(true);
    expect(await store.putIfAbsent('originals/a.png', bytes('first'), 'image/png')).toBe(false);
    expect(new TextDecoder().decode(await store.get('originals/a.png'))).toBe('first');
    expect(await store.exists('originals/a.png')).toBe(true);
  });

  it('get of a missing key is a transient ObjectVanished naming the key', async () => {
    const error = await store.get('originals/missing.png').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CurationError);
    expect(error).toMatchObject({ errorClass: 'ObjectVanished', kind: 'transient' });
    expect((error as CurationError).message).toContain('originals/missing.png');
    expect(await store.exists('originals/missing.png')).toBe(false);
  });

  it('delete removes a key (and a missing key is no error)', async () => {
    await store.putIfAbsent('crops/d.jpg', bytes('d'), 'image/jpeg');
    await store.delete('crops/d.jpg');
    await store.delete('crops/d.jpg');
    expect(await store.exists('crops/d.jpg')).toBe(false);
  });

  it('listEntries pages past 1000 keys (one ListObjectsV2 page) under a prefix, with modification times', async () => {
    const keys = Array.from({ length: 1005 }, (_, i) => `paged/${String(i).padStart(4, '0')}.bin`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((key) => store.putIfAbsent(key, bytes(key), 'application/octet-stream')));
    }
    await store.putIfAbsent('other/x.bin', bytes('x'), 'application/octet-stream');
    const entries = [];
    for await (const entry of store.listEntries('paged/')) entries.push(entry);
    expect(entries.map((entry) => entry.key).sort()).toEqual(keys);
    expect(entries.every((entry) => entry.lastModified instanceof Date)).toBe(true);
    expect(await listAll(store, 'other/')).toEqual(['other/x.bin']);
  });
});
