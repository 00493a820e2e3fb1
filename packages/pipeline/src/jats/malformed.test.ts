import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CurationError } from '../errors.ts';
import { parseJats } from './parse.ts';

const real = readFileSync(new URL('../../../../test/fixtures/jats/elife02304.xml', import.meta.url), 'utf8');

function classOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof CurationError) return `${error.errorClass}/${error.kind}`;
    throw error;
  }
  return 'no error';
}

/** Deterministic pseudo-random bytes (xorshift), so a failure is reproducible. */
function garbage(length: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('bad input is a classified, permanent error', () => {
  it.each<[string, string | Uint8Array]>([
    ['a real article cut in half', real.slice(0, Math.floor(real.length / 2))],
    ['a real article cut inside a tag', real.slice(0, real.indexOf('<fig ') + 7)],
    ['the same, as bytes', new TextEncoder().encode(real.slice(0, 5000))],
    ['random bytes', garbage(4096)],
    ['random bytes after an XML declaration', new Uint8Array([...new TextEncoder().encode('<?xml version="1.0"?>'), ...garbage(512)])],
    ['an empty string', ''],
    ['whitespace only', ' \n\t '],
    ['empty bytes', new Uint8Array(0)],
    ['plain text', 'This is not XML at all.'],
    ['JSON', '{"pmcid": "PMC1"}'],
    ['mismatched tags', '<article><front></article></front>'],
    ['two root elements', '<article/><article/>'],
    ['well-formed XML that is not an article', '<html><body><p>hello</p></body></html>'],
  ])('%s → MalformedXml', (_name, input) => {
    expect(classOf(() => parseJats(input))).toBe('MalformedXml/permanent');
  });

  it('refuses entity declarations (billion laughs) quickly', () => {
    const levels = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
    const bomb = `<?xml version="1.0"?><!DOCTYPE article [<!ENTITY lol0 "lol">${levels}]><article><body><p>&lol9;</p></body></article>`;
    const started = Date.now();
    expect(classOf(() => parseJats(bomb))).toBe('MalformedXml/permanent');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses external entities', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE article [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><article><body><p>&xxe;</p></body></article>';
    expect(classOf(() => parseJats(xxe))).toBe('MalformedXml/permanent');
  });

  it('refuses oversized input with InvalidInput before parsing', () => {
    expect(classOf(() => parseJats(real, { maxBytes: 10_000 }))).toBe('InvalidInput/permanent');
    expect(classOf(() => parseJats(new Uint8Array(20_000), { maxBytes: 10_000 }))).toBe('InvalidInput/permanent');
  });

  it('keeps error messages short and printable', () => {
    try {
      parseJats(garbage(100_000));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CurationError);
      expect((error as Error).message.length).toBeLessThan(300);
      expect((error as Error).message).not.toMatch(/[\u0000-\u0008\uFFFD]/);
    }
  });

  it('survives deep nesting without a stack overflow escaping as an unclassified error', () => {
    const depth = 50_000;
    const xml = `<article><body><p>${'<italic>'.repeat(depth)}x${'</italic>'.repeat(depth)}</p></body></article>`;
    const outcome = classOf(() => parseJats(xml));
    expect(['no error', 'MalformedXml/permanent']).toContain(outcome);
  });
});

describe('tolerated irregularities', () => {
  it('resolves HTML named entities that JATS DTDs declare', () => {
    const xml = '<article><body><fig id="f1"><caption><p>A&nbsp;&ndash;&nbsp;B &alpha;&#x2013;&#946; &amp; &lt;5&nbsp;&micro;m&gt;</p></caption></fig></body></article>';
    expect(parseJats(xml).figures[0]?.caption).toBe('A – B α–β & <5 µm>');
  });

  it('keeps an unknown entity reference as text instead of failing the article', () => {
    const xml = '<article><body><fig id="f1"><caption><p>x &unknownthing; y</p></caption></fig></body></article>';
    expect(parseJats(xml).figures[0]?.caption).toBe('x &unknownthing; y');
  });

  it('accepts an unquoted attribute value, which xmldom repairs with a warning', () => {
    expect(parseJats('<article><body><fig id=f7><label>Figure 7</label></fig></body></article>').figures[0]?.id).toBe('f7');
  });

  it('accepts a BOM, a pmc-articleset wrapper and a latin-1 declaration', () => {
    expect(parseJats('\uFEFF<article><body><fig id="a"/></body></article>').figures).toHaveLength(1);
    expect(parseJats('<pmc-articleset><article><body><fig id="a"/></body></article></pmc-articleset>').figures).toHaveLength(1);
    const latin1 = new Uint8Array([
      ...new TextEncoder().encode('<?xml version="1.0" encoding="ISO-8859-1"?><article><body><fig id="a"><caption><p>Bras'),
      0xed,
      ...new TextEncoder().encode('lia</p></caption></fig></body></article>'),
    ]);
    expect(parseJats(latin1).figures[0]?.caption).toBe('Brasília');
  });
});
