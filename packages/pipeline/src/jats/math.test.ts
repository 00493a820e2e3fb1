import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJats } from './parse.ts';

const fixture = (path: string) => readFileSync(new URL(`../../../../test/fixtures/${path}`, import.meta.url), 'utf8');
const captionOf = (xml: string, id: string) => parseJats(xml).figures.find((fig) => fig.id === id)?.caption ?? '';
const MML = 'xmlns:mml="http://www.w3.org/1998/Math/MathML" xmlns:xlink="http://www.w3.org/1999/xlink"';
const oneCaption = (inner: string) =>
  parseJats(`<article ${MML}><body><fig id="f"><caption><p>${inner}</p></caption></fig></body></article>`).figures[0]?.caption;

// The captions below are real (files listed in test/fixtures/jats/LICENSES.md and jats-articles/LICENSES.md).
describe('formulas in real captions stay as text', () => {
  it('MathML subscripts (eLife 14093, Figure 3)', () => {
    const caption = captionOf(fixture('jats/elife-14093-v1.xml'), 'fig3');
    expect(caption).toContain('a control parameter Γ_1 = 0.975. E_k−E_1 is the difference in inhibition levels');
    expect(caption).toContain('(C) Variation of the distance E_2−E_1 between');
  });

  it('MathML fractions, superscripts and fenced groups (eLife 14093, Figure 13; eLife 05502, Figure 8)', () => {
    expect(captionOf(fixture('jats/elife-14093-v1.xml'), 'fig13')).toContain('as a function of Γ and Γ_D=Γ/(β^(1/6)E^(*1/2)), respectively');
    expect(captionOf(fixture('jats/elife05502.xml'), 'fig8')).toContain('d(x, t = 0) = D_o exp {−1/2(2/l_x)^2(x−2/l_x)^2}. Throughout the text D_o=0.3, except');
  });

  it('a display formula inside a caption (Parasites & Vectors, PMC4101712, Figure 5)', () => {
    expect(captionOf(fixture('jats/PMC4101712.fulltext.xml'), 'F5')).toContain(
      'via RH=(exp((17.27(D-32)5/9)/((D-32)5/9+237.3)))/(exp((17.27(T-32)5/9)/((T-32)5/9+237.3)))100%, where T is annual temperature',
    );
  });

  it('a formula that exists only as an image leaves a placeholder, not a gap (PLOS ONE 0060593, Figure 2)', () => {
    const caption = captionOf(fixture('jats-articles/pone.0060593.xml'), 'pone-0060593-g002');
    expect(caption).toContain('Each state is represented by a circle, and is designated as [formula]. The variable [formula] represents');
    expect(caption).not.toMatch(/ as \./);
    expect(captionOf(fixture('jats/journal.pcbi.1002484.xml'), 'pcbi-1002484-g001')).toContain('(here plotted as [formula]) for a 5 kb plasmid');
  });
});

describe('rules', () => {
  it('prefers the alttext of a MathML formula', () => {
    expect(oneCaption(`ratio <inline-formula><mml:math alttext="K_{d}"><mml:msub><mml:mi>K</mml:mi><mml:mi>d</mml:mi></mml:msub></mml:math></inline-formula> shown`)).toBe(
      'ratio K_{d} shown',
    );
  });

  it('uses the TeX source without its LaTeX wrapper (PMC tex-math), and MathML over TeX in alternatives', () => {
    // The wrapper as PMC delivers it around every <tex-math> (Springer / BMC articles).
    const wrapper = (tex: string) =>
      `\\documentclass[12pt]{minimal} \\usepackage{amsmath} \\usepackage{wasysym} \\usepackage{amsfonts} \\usepackage{amssymb} \\usepackage{amsbsy} \\usepackage{mathrsfs} \\usepackage{upgreek} \\setlength{\\oddsidemargin}{-69pt} \\begin{document}${tex}\\end{document}`;
    expect(oneCaption(`clearance <inline-formula><tex-math id="M1">${wrapper('$${\\mathrm{CL}}_{\\mathrm{MHD}}$$')}</tex-math></inline-formula> in L/h`)).toBe(
      'clearance {\\mathrm{CL}}_{\\mathrm{MHD}} in L/h',
    );
    expect(oneCaption('at <inline-formula><tex-math>$p &lt; 0.05$</tex-math></inline-formula>')).toBe('at p < 0.05');
    const both = `<inline-formula><alternatives><tex-math>${wrapper('$$\\theta$$')}</tex-math><mml:math><mml:mi>θ</mml:mi></mml:math><inline-graphic xlink:href="x.gif"/></alternatives></inline-formula>`;
    expect(oneCaption(`angle ${both}.`)).toBe('angle θ.');
  });

  it('writes scripts, roots, accents and fences with one simple rule', () => {
    const m = (inner: string) => oneCaption(`<inline-formula><mml:math>${inner}</mml:math></inline-formula>`);
    expect(m('<mml:msup><mml:mi>x</mml:mi><mml:mn>2</mml:mn></mml:msup>')).toBe('x^2');
    expect(m('<mml:msub><mml:mi>x</mml:mi><mml:mrow><mml:mi>i</mml:mi><mml:mo>+</mml:mo><mml:mn>1</mml:mn></mml:mrow></mml:msub>')).toBe('x_(i+1)');
    expect(m('<mml:msubsup><mml:mi>σ</mml:mi><mml:mi>x</mml:mi><mml:mn>2</mml:mn></mml:msubsup>')).toBe('σ_x^2');
    expect(m('<mml:msup><mml:mn>10</mml:mn><mml:mrow><mml:mo>−</mml:mo><mml:mn>3</mml:mn></mml:mrow></mml:msup>')).toBe('10^(−3)');
    expect(m('<mml:msqrt><mml:mi>x</mml:mi><mml:mo>+</mml:mo><mml:mn>1</mml:mn></mml:msqrt>')).toBe('√(x+1)');
    expect(m('<mml:mover><mml:mi>x</mml:mi><mml:mo>¯</mml:mo></mml:mover>')).toBe('x¯');
    expect(m('<mml:munderover><mml:mo>∑</mml:mo><mml:mrow><mml:mi>i</mml:mi><mml:mo>=</mml:mo><mml:mn>1</mml:mn></mml:mrow><mml:mi>n</mml:mi></mml:munderover>')).toBe('∑_(i=1)^n');
    expect(m('<mml:mfenced><mml:mi>a</mml:mi><mml:mi>b</mml:mi></mml:mfenced>')).toBe('(a,b)');
    expect(m('<mml:mrow><mml:mi>sin</mml:mi><mml:mo>&#x2061;</mml:mo><mml:mi>θ</mml:mi></mml:mrow>')).toBe('sin θ');
    expect(m('<mml:semantics><mml:mi>y</mml:mi><mml:annotation encoding="application/x-tex">y</mml:annotation></mml:semantics>')).toBe('y');
  });

  it('keeps the label of a display formula next to it', () => {
    expect(oneCaption('via <disp-formula id="e1"><label>(1)</label><mml:math><mml:mi>E</mml:mi><mml:mo>=</mml:mo><mml:mi>m</mml:mi><mml:msup><mml:mi>c</mml:mi><mml:mn>2</mml:mn></mml:msup></mml:math></disp-formula> where')).toBe(
      'via (1) E=mc^2 where',
    );
  });
});
