import { describe, expect, it } from 'vitest';
import { normalizeLabel } from './figures.ts';
import { parseJats } from './parse.ts';
import type { JatsFigure } from './types.ts';

const XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"';
const figuresOf = (body: string, rootAttrs = XLINK): JatsFigure[] =>
  parseJats(`<article ${rootAttrs}><front><article-meta/></front><body>${body}</body></article>`).figures;

describe('figure extraction (synthetic cases)', () => {
  it('nests figure supplements inside a parent fig and keeps their graphics apart', () => {
    const figs = figuresOf(`
      <fig id="f1"><label>Figure 1</label><caption><title>Parent.</title></caption>
        <graphic xlink:href="f1"/>
        <fig id="f1s1" specific-use="child-fig"><label>Figure 1—figure supplement 1</label><caption><title>Child</title></caption><graphic xlink:href="f1s1"/></fig>
      </fig>`);
    expect(figs.map((f) => [f.id, f.parentId, f.graphics])).toEqual([
      ['f1', null, ['f1']],
      ['f1s1', 'f1', ['f1s1']],
    ]);
  });

  it('parents every member of a plain fig-group to its first figure', () => {
    const figs = figuresOf(`<fig-group id="g1"><caption><p>Group</p></caption>
      <fig id="a"><graphic xlink:href="a"/></fig><fig id="b"><graphic xlink:href="b"/></fig><fig id="c"><graphic xlink:href="c"/></fig></fig-group>`);
    expect(figs.map((f) => [f.id, f.parentId])).toEqual([['a', null], ['b', 'a'], ['c', 'a']]);
  });

  it('parents a child-fig outside any fig-group to the preceding main figure', () => {
    const figs = figuresOf('<fig id="m1"/><fig id="m1s1" specific-use="child-fig"/><fig id="m2"/>');
    expect(figs.map((f) => f.parentId)).toEqual([null, 'm1', null]);
  });

  it('synthesises deterministic, unique ids', () => {
    const figs = figuresOf('<fig><label>A</label></fig><fig id="fig-1"/><fig/><fig id="dup"/><fig id="dup"/>');
    expect(figs.map((f) => f.id)).toEqual(['fig-1-2', 'fig-1', 'fig-3', 'dup', 'dup-2']);
  });

  it('finds figures in back matter, floats-group and sub-articles', () => {
    const xml = `<article ${XLINK}><front><article-meta/></front><body><fig id="b1"/></body><back><app><fig id="a1"/></app></back>
      <floats-group><fig id="fl1"/></floats-group><sub-article><body><fig id="r1"/></body></sub-article></article>`;
    expect(parseJats(xml).figures.map((f) => f.id)).toEqual(['b1', 'a1', 'fl1', 'r1']);
  });

  it('reads hrefs whatever the namespace prefix or default namespace', () => {
    const figs = figuresOf(
      '<fig id="x"><graphic x:href="one.tif"/><alternatives><graphic x:href="two.jpg"/><graphic x:href="one.tif"/></alternatives><inline-graphic x:href="icon.gif"/></fig>',
      'xmlns="http://jats.nlm.nih.gov/ns/archiving/1.0/" xmlns:x="http://www.w3.org/1999/xlink"',
    );
    expect(figs[0]?.graphics).toEqual(['one.tif', 'two.jpg']);
  });

  it('keeps every graphic of a fig in order, but one of the renderings inside <alternatives>', () => {
    const figs = figuresOf(
      '<fig id="x"><graphic xlink:href="gr3a"/><graphic xlink:href="gr3b"/><alternatives><graphic xlink:href="gr3c.tif"/><graphic xlink:href="gr3c.jpg"/></alternatives></fig>',
    );
    expect(figs[0]?.graphics).toEqual(['gr3a', 'gr3b', 'gr3c.tif']);
  });

  it('ignores graphics inside the caption', () => {
    const figs = figuresOf('<fig id="x"><caption><p>Key: <graphic xlink:href="key"/></p></caption><graphic xlink:href="main"/></fig>');
    expect(figs[0]?.graphics).toEqual(['main']);
  });

  it('builds the caption: title + paragraphs, markup flattened, noise dropped', () => {
    const figs = figuresOf(`<fig id="x"><object-id pub-id-type="doi">10.1/x</object-id><label>Figure 3:</label>
      <caption><title>Effect of <italic>X</italic> on   Y</title>
        <p>(<bold>A</bold>) Wild type; (<bold>B</bold>) mutant, 10<sup>3</sup> cells, H<sub>2</sub>O,
          <inline-formula><alternatives><tex-math>\\alpha</tex-math><mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML"><mml:mi>α</mml:mi></mml:math><inline-graphic xlink:href="eq"/></alternatives></inline-formula>-level
          (<xref ref-type="bibr" rid="b1">Smith, 2001</xref>; <named-content content-type="gene">abc</named-content>).</p>
        <alt-text>Alt text</alt-text>
        <p><bold>DOI:</bold> <ext-link ext-link-type="doi" xlink:href="10.7554/eLife.1.003">http://dx.doi.org/10.7554/eLife.1.003</ext-link></p>
        <permissions><copyright-statement>© Someone</copyright-statement></permissions>
      </caption><attrib>Photo: someone</attrib></fig>`);
    const fig = figs[0]!;
    expect(fig.label).toBe('Figure 3');
    expect(fig.caption).toBe('Effect of X on Y. (A) Wild type; (B) mutant, 103 cells, H2O, α-level (Smith, 2001; abc).');
    expect(fig.boldSpans).toEqual(['A', 'B']);
  });

  it('does not add a full stop after a title that already ends a sentence, nor to a title-only caption', () => {
    expect(figuresOf('<fig id="a"><caption><title>Done?</title><p>Yes.</p></caption></fig>')[0]?.caption).toBe('Done? Yes.');
    expect(figuresOf('<fig id="a"><caption><title>Is it “quoted.”</title><p>Yes.</p></caption></fig>')[0]?.caption).toBe('Is it “quoted.” Yes.');
    expect(figuresOf('<fig id="a"><caption><title>Panels:</title><p>A, left.</p></caption></fig>')[0]?.caption).toBe('Panels: A, left.');
    expect(figuresOf('<fig id="a"><caption><title>Only a title</title></caption></fig>')[0]?.caption).toBe('Only a title');
    expect(figuresOf('<fig id="a"><caption><p>Only text</p></caption></fig>')[0]?.caption).toBe('Only text');
  });

  it('returns an empty caption and null label when absent', () => {
    const fig = figuresOf('<fig id="a"><graphic xlink:href="a"/></fig>')[0];
    expect(fig).toMatchObject({ label: null, caption: '', boldSpans: [], graphics: ['a'] });
  });
});

describe('normalizeLabel', () => {
  it.each<[string, string | null]>([
    ['Figure 1.', 'Figure 1'],
    ['  Fig.\u00a013 ', 'Fig. 13'],
    ['Figure 1—figure supplement 2.', 'Figure 1—figure supplement 2'],
    ['Figure S1:', 'Figure S1'],
    ['', null],
    ['.', null],
  ])('%j → %j', (raw, label) => {
    expect(normalizeLabel(raw)).toBe(label);
  });
});

describe('MathML in captions', () => {
  it('drops layout whitespace between MathML tokens but keeps spaces inside mtext', () => {
    const fig = figuresOf(`<fig id="m"><caption><p>rate (<inline-formula><mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML"><mml:mrow>
      <mml:mi>k</mml:mi> <mml:mo>=</mml:mo> <mml:mn>0</mml:mn> <mml:mo>.</mml:mo> <mml:mn>127</mml:mn> <mml:mtext> per day</mml:mtext>
      </mml:mrow></mml:math></inline-formula>) shown</p></caption></fig>`)[0];
    expect(fig?.caption).toBe('rate (k=0.127 per day) shown');
  });
});
