import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CurationError } from '../errors.ts';
import { applyInternalSubset, declaredEntities, findDoctype } from './doctype.ts';
import { parseJats } from './parse.ts';

// A real PLOS ONE article (CC BY 4.0, see test/fixtures/jats/LICENSES.md) with the PLOS / NLM v3.0 DOCTYPE.
const plos = readFileSync(new URL('../../../../test/fixtures/jats/journal.pone.0087236.xml', import.meta.url), 'utf8');

function classOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof CurationError) return `${error.errorClass}/${error.kind}`;
    throw error;
  }
  return 'no error';
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

/** The real article with its DOCTYPE given an internal subset. */
function withSubset(subset: string, body = plos): string {
  const doctype = findDoctype(body);
  expect(doctype).toMatchObject({ name: 'article', internalSubset: null });
  return `${body.slice(0, doctype!.end - 1)} [${subset}]>${body.slice(doctype!.end)}`;
}

const article = (inner: string, subset: string) => `<?xml version="1.0"?>\n<!DOCTYPE article [${subset}]>\n<article><body>${inner}</body></article>`;
const captionOf = (xml: string) => parseJats(xml).figures[0]?.caption;

describe('a real article whose DOCTYPE declares internal entities', () => {
  it('parses to exactly what the article without them gives', () => {
    const expected = parseJats(plos);
    expect(expected.figures.length).toBeGreaterThan(0);
    // Every "Figure" in the text and captions goes through an entity, and the journal title through one that
    // nests another, the way older PLOS / NLM files declared shorthand in the internal subset.
    const rewritten = withSubset(
      '\n<!ENTITY fig "Figure">\n<!ENTITY plos "PLOS">\n<!ENTITY journal "&plos; ONE">\n<!-- a comment with <!ENTITY x SYSTEM "y"> in it -->\n<!ELEMENT note (#PCDATA)>\n<!ATTLIST note type CDATA "a>b">\n',
      plos.replace(/Figure/g, '&fig;').replace('<journal-title>PLoS ONE</journal-title>', '<journal-title>&journal;</journal-title>'),
    );
    expect(rewritten).toContain('&fig;');
    expect(parseJats(rewritten)).toEqual(expected);
  });

  it('expands character references in entity values and markup in replacement text', () => {
    const xml = article('<fig id="f1"><caption><p>&copy2; &em; &nested;</p></caption></fig>', '<!ENTITY copy2 "&#169;"><!ENTITY em "<italic>in vivo</italic>"><!ENTITY nested "&lt;&em;&gt;">');
    expect(captionOf(xml)).toBe('© in vivo <in vivo>');
  });

  it('expands references in attribute values as text, and leaves CDATA and comments alone', () => {
    const xml = article('<fig id="&id;"><caption><p><![CDATA[&id;]]><!-- &id; --> &q;</p></caption></fig>', `<!ENTITY id "f&#49;"><!ENTITY q '"quoted" &#38;#60;x>'>`);
    expect(parseJats(xml).figures[0]?.id).toBe('f1');
    expect(captionOf(xml)).toBe('&id; "quoted" <x>');
    // In an attribute value, quotes and "<" from the replacement text are data.
    const attr = article('<fig id="f"><label>L</label><caption><p><xref rid="&q2;">x</xref></p></caption></fig>', `<!ENTITY q2 '"a" <b>'>`);
    expect(() => parseJats(attr)).not.toThrow();
  });

  it('keeps the first declaration of a name and ignores redeclared predefined entities', () => {
    const xml = article('<fig id="f"><caption><p>&a; &lt;</p></caption></fig>', '<!ENTITY a "first"><!ENTITY a "second"><!ENTITY lt "&#38;#60;">');
    expect(captionOf(xml)).toBe('first <');
  });

  it('wins over the HTML table for a name it declares', () => {
    expect(captionOf(article('<fig id="f"><caption><p>a&nbsp;b</p></caption></fig>', '<!ENTITY nbsp "-">'))).toBe('a-b');
  });
});

describe('what stays refused', () => {
  it.each<[string, string]>([
    ['an external SYSTEM entity', '<!ENTITY xxe SYSTEM "file:///etc/passwd">'],
    ['an external PUBLIC entity', '<!ENTITY xxe PUBLIC "-//X//Y" "http://example.org/x.ent">'],
    ['an unparsed NDATA entity', '<!ENTITY gr1 SYSTEM "gr1.gif" NDATA GIF>'],
    ['a parameter entity', '<!ENTITY % pe "<!ENTITY x \'y\'>">'],
    ['a parameter entity reference', '<!ENTITY % pe SYSTEM "x.ent"> %pe;'],
    ['a bare parameter entity reference', '%pe;'],
    ['a parameter entity inside an entity value', '<!ENTITY x "%pe;">'],
    ['an entity that refers to itself', '<!ENTITY a "x&b;"><!ENTITY b "&a;">'],
    ['an unterminated subset', '<!ENTITY a "x">'],
    ['garbage in the subset', 'hello'],
  ])('%s → MalformedXml', (_name, subset) => {
    const xml = subset === '<!ENTITY a "x">' ? `<!DOCTYPE article [${subset}<article/>` : article('<p>&a; &xxe; &x;</p>', subset);
    expect(classOf(() => parseJats(xml))).toBe('MalformedXml/permanent');
  });

  it('refuses billion laughs quickly, by size or depth', () => {
    const levels = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
    const bomb = article('<p>&lol9;</p>', `<!ENTITY lol0 "lol">${levels}`);
    const started = Date.now();
    expect(classOf(() => parseJats(bomb))).toBe('MalformedXml/permanent');
    expect(Date.now() - started).toBeLessThan(1000);
    // Shallow but wide: each level is far under the size bound, the total is not.
    const wide = article('<p>&b;</p>', `<!ENTITY a "${'x'.repeat(2000)}"><!ENTITY b "${'&a;'.repeat(1000)}">`);
    expect(messageOf(() => parseJats(wide))).toMatch(/more than \d+ characters/);
    const deep = Array.from({ length: 12 }, (_, i) => `<!ENTITY d${i + 1} "&d${i};">`).join('');
    expect(messageOf(() => parseJats(article('<p>&d12;</p>', `<!ENTITY d0 "x">${deep}`)))).toMatch(/more than 8 deep/);
  });

  it('refuses the quadratic blowup (one large entity used many times) quickly', () => {
    const big = 'x'.repeat(50_000);
    const xml = article(`<p>${'&big;'.repeat(50_000)}</p>`, `<!ENTITY big "${big}">`);
    const started = Date.now();
    expect(messageOf(() => parseJats(xml))).toMatch(/more than \d+ characters/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('honours the limits it is given', () => {
    const xml = article('<fig id="f"><caption><p>&a;&a;</p></caption></fig>', '<!ENTITY a "12345">');
    expect(classOf(() => parseJats(xml, { entityLimits: { maxExpandedChars: 9, maxDepth: 8 } }))).toBe('MalformedXml/permanent');
    expect(parseJats(xml, { entityLimits: { maxExpandedChars: 10, maxDepth: 8 } }).figures[0]?.caption).toBe('1234512345');
  });

  it('does not let a ">" inside a SYSTEM literal hide an ENTITY after it', () => {
    const tricky = '<!DOCTYPE article SYSTEM "x.dtd>[<!ENTITY y \'z\'>" [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><article><p>&xxe;</p></article>';
    expect(messageOf(() => parseJats(tricky))).toMatch(/external entity "xxe"/);
    const quoted = `<!DOCTYPE article PUBLIC "-//a>b//EN" 'c>[d' [<!ENTITY ok "fine">]><article><body><fig id="f"><caption><p>&ok;</p></caption></fig></body></article>`;
    expect(captionOf(quoted)).toBe('fine');
  });

  it('does not let a "]" inside an entity value end the subset early', () => {
    const xml = article('<fig id="f"><caption><p>&a;</p></caption></fig>', '<!ENTITY a "[x]>"><!ENTITY b SYSTEM "evil">');
    expect(messageOf(() => parseJats(xml))).toMatch(/external entity "b"/);
  });
});

describe('findDoctype / declaredEntities / applyInternalSubset', () => {
  it('finds the DOCTYPE after the XML declaration, comments and PIs only', () => {
    const head = '<?xml version="1.0"?>\n<!-- <!DOCTYPE fake [<!ENTITY a "b">]> -->\n<?pi x?>\n';
    const found = findDoctype(`${head}<!DOCTYPE article PUBLIC "p" "s" [ <!ENTITY a "b"> ]>\n<article/>`);
    expect(found).toMatchObject({ name: 'article', internalSubset: ' <!ENTITY a "b"> ' });
    expect(findDoctype('<article><p>&lt;!DOCTYPE a [&lt;!ENTITY x "y">]></p></article>')).toBeNull();
    expect(findDoctype(plos)).toMatchObject({ name: 'article', internalSubset: null });
  });

  it('reads only internal general entities', () => {
    expect([...declaredEntities('<!ENTITY a "x&#x41;&b;"> <!ENTITY b \'y\'> <!NOTATION gif SYSTEM "image/gif">')]).toEqual([
      ['a', 'xA&b;'],
      ['b', 'y'],
    ]);
  });

  it('returns input without an internal subset unchanged and keeps line numbers otherwise', () => {
    expect(applyInternalSubset(plos)).toBe(plos);
    expect(applyInternalSubset('<!DOCTYPE a [\n<!ENTITY x "y">\n]>\n<a>&x;</a>')).toBe('\n\n\n<a>y</a>');
  });
});
