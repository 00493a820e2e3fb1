import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchGraphicToMedia } from './media-match.ts';
import { parseJats } from './parse.ts';
import type { JatsArticle, JatsFigure } from './types.ts';

const JATS_DIR = new URL('../../../../test/fixtures/jats/', import.meta.url);
const ARTICLES_DIR = new URL('../../../../test/fixtures/jats-articles/', import.meta.url);

const cache = new Map<string, JatsArticle>();
function load(name: string, dir: URL = JATS_DIR): JatsArticle {
  const key = `${dir.href}${name}`;
  let article = cache.get(key);
  if (!article) {
    article = parseJats(readFileSync(new URL(name, dir)));
    cache.set(key, article);
  }
  return article;
}

function figure(article: JatsArticle, id: string): JatsFigure {
  const fig = article.figures.find((f) => f.id === id);
  if (!fig) throw new Error(`no figure ${id}; have ${article.figures.map((f) => f.id).join(', ')}`);
  return fig;
}

const xmlFiles = (dir: URL): string[] => readdirSync(dir).filter((name) => /\.n?xml$/.test(name)).sort();

describe('parseJats on the real corpus', () => {
  const files = xmlFiles(JATS_DIR);

  it('has all 54 corpus files', () => {
    expect(files).toHaveLength(54);
  });

  it.each(files)('parses %s', (name) => {
    const article = load(name);
    expect(article.doi ?? article.pmid).toBeTruthy();
    const ids = article.figures.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const fig of article.figures) {
      expect(fig.caption).toBe(fig.caption.trim());
      expect(fig.caption).not.toMatch(/\s{2}/);
      if (fig.parentId !== null) expect(ids).toContain(fig.parentId);
    }
  });

  it('parses bytes and strings alike', () => {
    const bytes = readFileSync(new URL('pone.0046493.nxml', JATS_DIR));
    expect(parseJats(bytes)).toEqual(parseJats(bytes.toString('utf8')));
  });

  // Counted by hand: `grep -o '<fig[ >]'` per file, then fig-group members read in the XML.
  it.each([
    ['1472-6831-8-11.nxml', 0, 0], // NLM 2.3, tables only
    ['PMC2231364.xml', 5, 0],
    ['ehp-116-1694.nxml', 3, 0],
    ['PMC4204058.fulltext.xml', 16, 0],
    ['journal.pone.0087236.xml', 49, 0],
    ['elife02304.xml', 24, 16], // 6 fig-groups: fig1(1), fig2(3), fig3(3), fig5(1), fig6(7), fig7(1) supplements
    ['elife00013.xml', 23, 19], // fig1(1), fig3(15), fig4(3)
    ['elife-02833-v2.xml', 7, 4], // fig1(2), fig2(2)
    ['elife-00666.xml', 11, 4], // fig2s1, fig2s2, fig3s1, app1fig1s1; plus box2fig1 and the sub-article's respfig1
  ])('%s has %i figures, %i of them supplements', (name, total, children) => {
    const article = load(name);
    expect(article.figures).toHaveLength(total);
    expect(article.figures.filter((f) => f.parentId !== null)).toHaveLength(children);
  });
});

describe('hand-checked figures', () => {
  it('NLM 2.3 (BMC, PMC2231364) Figure 1: bold title inside the paragraph, subscript', () => {
    const fig = figure(load('PMC2231364.xml'), 'F1');
    expect(fig.label).toBe('Figure 1');
    expect(fig.caption).toBe(
      'Environmental modulation of expression of virulence genes. Shown in the squares are the putative stages of transmission/infection of Y. pestis. The TreeView charts show the transcriptional changes of the virulence genes, where columns represent different microarray experiments, and rows represent genes. Color intensities denote log2 ratios as follows: green, negative; black, zero; red, positive; gray, missing data.',
    );
    expect(fig.boldSpans).toEqual(['Environmental modulation of expression of virulence genes']);
    expect(fig.graphics).toEqual(['1471-2180-7-96-1']);
    expect(fig.parentId).toBeNull();
  });

  it('JATS 1.0 (BMC, 1471-2180-11-174) Figure 2: panel labels in text', () => {
    const fig = figure(load('1471-2180-11-174.nxml'), 'F2');
    expect(fig.label).toBe('Figure 2');
    expect(fig.caption).toBe(
      'Samples of a lysis recording and frequency distributions of various experimental treatments. (A) Sample recordings from strain IN63. It takes about 5 sec for the upper left cell to disappear from view. (B) Sample frequency distributions of lysis times from strains IN56, IN67, IN68, SYP028, IN56 with KCN added at 55 min after thermal induction, and IN56 grown in glycerol minimal salts medium. The bin size was 2 min. Additional data are shown in Tables 1 and 2.',
    );
    expect(fig.graphics).toEqual(['1471-2180-11-174-2']);
  });

  it('EHP (public domain) Figure 2: numeric character references, two paragraphs', () => {
    const fig = figure(load('ehp-116-1694.nxml'), 'f2-ehp-116-1694');
    expect(fig.label).toBe('Figure 2');
    expect(fig.caption).toBe(
      'Dietary exposure to PBDE-47 altered relative transcripts levels for TSHβ (A) and GPHα (B) in the pituitary gland. Transcript levels are expressed relative to template RNA levels. *p < 0.05 compared with control.',
    );
    expect(fig.graphics).toEqual(['ehp-116-1694f2']);
  });

  it('Europe PMC full text (PMC4204058) Fig. 13: NBSP in the label, two graphics', () => {
    const fig = figure(load('PMC4204058.fulltext.xml'), 'F13');
    expect(fig.label).toBe('Fig. 13');
    expect(fig.caption).toBe('Local team');
    expect(fig.graphics).toEqual(['tmh-42-2-suppl_033-g013-1', 'tmh-42-2-suppl_033-g013-2']);
  });

  it('old PLOS (ppat.0040045) Figure 3: title without full stop gets a sentence boundary; object-id dropped', () => {
    const fig = figure(load('journal.ppat.0040045.xml'), 'ppat-0040045-g003');
    expect(fig.label).toBe('Figure 3');
    expect(fig.caption).toBe(
      'CFT1 Is Required for Reductive Iron Uptake. (A) Iron-starved strains (the wild-type, the cft1 mutant and the CFT1 reconstituted strain) were inoculated into media containing FeCl3, apo-transferrin or holo-transferrin, which were added in stepwise 2-fold dilutions. The actual range of concentrations in the cultures was between 200 μM and 0.78 μM of FeCl3, and 20 μM and 0.078 μM of apo- or holo-transferrin. The OD620 reading at 0.1 μM in FeCl3 containing plates and 0.01 μM in Apo- or Holo-transferrin containing plates represent the level of growth in media without an added iron source, starting at the standard inoculum density of 0.08. All cultures were incubated at 30°C and turbidity was measured after 72 h. The averages of three independent experiments are presented with bars representing the standard deviations. (B) The same experiments as shown in (A) were performed for the cft2 mutant and all strains showed similar patterns of growth.',
    );
    expect(fig.graphics).toEqual(['info:doi/10.1371/journal.ppat.0040045.g003']);
  });

  it('PLOS 3.0 (pone.0087236) Figure 2: bold panel letters become boldSpans, xref flattened', () => {
    const fig = figure(load('journal.pone.0087236.xml'), 'pone-0087236-g002');
    expect(fig.caption).toBe(
      'Three-dimensional digital reconstruction of skeleton of Beelzebufo ampinga. A, dorsal view; and B, right lateral view (with left limbs removed for visual clarity). See Figure 1 for sources of material for reconstruction, and Supporting Information S1 for detailed description of model.',
    );
    expect(fig.boldSpans).toEqual(['A', 'B']);
  });

  it('eLife JATS 1.1d1 (elife02304): DOI paragraphs dropped, supplement parented, "Figure 1." label normalised', () => {
    const article = load('elife02304.xml');
    const fig1 = figure(article, 'fig1');
    expect(fig1.label).toBe('Figure 1');
    expect(fig1.caption).toBe(
      'Schematic of M/LDH superfamily active site and catalytic mechanism. MDH reduces oxaloacetate to malate, in which the R-group is a methylene carboxylate group. LDH reduces pyruvate to lactate, in which the R-group is a methyl group. Key conserved active site residues are shown in black; substrate is shown in blue. The oxidized 2-ketoacid form of the substrate is at left; the reduced 2-hydroxy acid form is shown at right. The R-group of the substrate interacts with Arg102 in MDHs and Gln102 in canonical LDHs. Both Arg109 and position 102 are found in the mobile ‘specificity loop’ that closes over the active site.',
    );
    expect(fig1.boldSpans).toEqual([]); // the only <bold> is "DOI:" in the dropped DOI paragraph
    expect(fig1.graphics).toEqual(['elife02304f001']);
    const supp = figure(article, 'fig2s1');
    expect(supp.label).toBe('Figure 2—figure supplement 1');
    expect(supp.caption).toBe('Sequence alignment of the specificity loop from apicomplexan M/LDHs with ancestral sequences.');
    expect(supp.parentId).toBe('fig2');
    expect(supp.graphics).toEqual(['elife02304fs002']);
    expect(figure(article, 'fig6s7').parentId).toBe('fig6');
    // supplements follow their parent in document order
    const ids = article.figures.map((f) => f.id);
    expect(ids.slice(0, 6)).toEqual(['fig1', 'fig1s1', 'fig2', 'fig2s1', 'fig2s2', 'fig2s3']);
  });

  it('eLife JATS 1.1 sample (elife-00666): source data dropped from caption, appendix and author-response figures', () => {
    const article = load('elife-00666.xml');
    const fig3 = figure(article, 'fig3');
    expect(fig3.caption).toBe('Figure with figure supplements and figure supplement with source data and a video (see Koch, 1959) .');
    const fig3s1 = figure(article, 'fig3s1');
    expect(fig3s1.caption).toBe('Title of the figure supplement');
    expect(fig3s1.parentId).toBe('fig3');
    expect(fig3s1.graphics).toEqual(['elife-00666-fig3-figsupp1.tif']);
    const app = figure(article, 'app1fig1s1');
    expect(app.label).toBe('Appendix 1—Figure 1—Figure Supplement 1');
    expect(app.parentId).toBe('app1fig1');
    const resp = figure(article, 'respfig1');
    expect(resp.label).toBe('Author response image 1');
    expect(resp.parentId).toBeNull();
    // a figure-level <permissions> block is not caption text
    expect(figure(article, 'fig1').caption).toBe(
      'Single figure: The header of an eLife article example on the HTML page. In the PDf this is represented as a single column.',
    );
  });

  it('NLM 2.0 PLOS (pone.0000010): HTML named entities and bare-DOI paragraphs', () => {
    const article = load('pone.0000010.xml', ARTICLES_DIR);
    expect(figure(article, 'pone.0000010-f01').caption).toBe(
      'Distribution of GAS pharyngitis according to age in Brussels and Brasília. Percentage of positive GAS throat culture for different age categories of children with pharyngitis. p = 0,003 for the comparison between the three age groups in Brasília.',
    );
    expect(figure(article, 'pone.0000010-f03').caption).toBe(
      'emm pattern of pharyngeal GAS in Brussels and Brasília. emm pattern A–C strains are throat specific, whereas emm pattern D strains have a skin tropism. emm pattern E strains are found at both sites. In Brussels, strains with emm patterns A–C (56%) and E (41.5%) were predominant among strains isolated from naso-pharynx (pharyngitis and scarlet fever included). In Brasília, the A–C pattern was rare (14%) amongst pharyngeal strains while E pattern (61.5%) and D pattern (18.5%) were predominant. REA: rearranged emm region.',
    );
  });

  it('eLife (elife04953) Figure 1: bold panel letters', () => {
    const fig = figure(load('elife04953.xml'), 'fig1');
    expect(fig.caption.startsWith('WASP dependent dynamic F-actin foci at the T cell synapse. (A) Barbed-end decoration of freshly polymerized actin filaments reveals the dynamic behavior in WT (top panel) and WASP−/− (bottom panel) T cell synapses.')).toBe(true);
    expect(fig.boldSpans.slice(0, 5)).toEqual(['A', 'B', 'C', 'D', 'E']);
  });
});

describe('article identifiers and title', () => {
  it.each([
    ['1471-2180-11-174.nxml', 'PMC3166277', '21810267', '10.1186/1471-2180-11-174'],
    ['PMC2231364.xml', 'PMC2231364', '17963531', '10.1186/1471-2180-7-96'], // pub-id-type="pmcid"
    ['ehp-116-1694.nxml', 'PMC2599765', '19079722', '10.1289/ehp.11570'],
    ['pntd.0002065.nxml', 'PMC3585041', '23469300', '10.1371/journal.pntd.0002065'],
    ['PMC4041752.fulltext.xml', 'PMC4041752', null, '10.1371/journal.pone.0098637'],
    ['PMC4094618.fulltext.xml', 'PMC4094618', '25071411', null],
    ['elife02304.xml', null, null, '10.7554/eLife.02304'],
  ])('%s → %s / %s / %s', (name, pmcid, pmid, doi) => {
    const article = load(name);
    expect({ pmcid: article.pmcid, pmid: article.pmid, doi: article.doi }).toEqual({ pmcid, pmid, doi });
  });

  it('takes the title of the main article, flattened', () => {
    expect(load('elife02304.xml').title).toBe(
      'An atomic-resolution view of neofunctionalization in the evolution of apicomplexan lactate dehydrogenases',
    );
    expect(load('ehp-116-1694.nxml').title).toMatch(/^Dietary Exposure to 2,2′,4,4′-Tetrabromodiphenyl E/);
  });
});

describe('licence from the XML', () => {
  it.each([
    ['1471-2180-11-174.nxml', 'CC BY', 'http://creativecommons.org/licenses/by/2.0'],
    ['PMC4060021.fulltext.xml', 'CC0', 'http://creativecommons.org/publicdomain/zero/1.0/'],
    ['elife02935.xml', 'CC0', 'http://creativecommons.org/publicdomain/zero/1.0/'],
    ['elife-00666.xml', 'CC BY', 'http://creativecommons.org/licenses/by/4.0/'], // also carries ali:license_ref
    ['PMC4041752.fulltext.xml', 'CC BY', 'http://creativecommons.org/licenses/by/4.0/'], // URL only in the ext-link
    ['PMC4094618.fulltext.xml', 'CC BY', null], // licence sentence only
    ['journal.pbio.1001199.xml', 'CC BY', null],
    ['ehp-116-1694.nxml', null, 'http://creativecommons.org/publicdomain/mark/1.0/'], // US public domain: PMC group "other"
  ])('%s → %s', (name, code, url) => {
    const license = load(name).license;
    expect(license?.code ?? null).toBe(code);
    expect(license?.url ?? null).toBe(url);
    expect(license?.text).toBeTruthy();
  });

  it('reads the licence sentence from the copyright statement of NLM 2.0 PLOS XML', () => {
    const license = load('pone.0000010.xml', ARTICLES_DIR).license;
    expect(license?.code).toBe('CC BY');
    expect(license?.text).toMatch(/Creative Commons Attribution License/);
  });

  it('lets the PMC metadata licence code win', () => {
    const xml = readFileSync(new URL('elife02304.xml', JATS_DIR));
    expect(parseJats(xml, { metadataLicenseCode: 'CC BY-NC-ND' }).license?.code).toBe('CC BY-NC-ND');
    expect(parseJats(xml, { metadataLicenseCode: null }).license?.code).toBeNull();
    expect(parseJats(xml, { metadataLicenseCode: null }).license?.url).toBe('http://creativecommons.org/licenses/by/4.0/');
  });
});

// From the shared data MANIFEST.md, column "<fig> (of which supplements)".
const MANIFEST: Record<string, [number, number]> = {
  'elife-00790': [8, 0], 'elife-01239': [8, 1], 'elife-15600': [7, 0], 'elife-30274': [5, 2], 'elife-43154': [3, 0],
  'elife-46472': [8, 0], 'elife-46793': [19, 9], 'elife-54296': [1, 0], 'elife-65581': [1, 0], 'pgen.1000096': [5, 0],
  'pgen.1000100': [8, 0], 'pone.0000010': [3, 0], 'pone.0056489': [3, 0], 'pone.0060593': [2, 0], 'pone.0091296': [9, 0],
  'pone.0093988': [3, 0], 'pone.0097823': [2, 0],
};

describe('the 17 articles with images', () => {
  it('covers every article of the manifest', () => {
    expect(xmlFiles(ARTICLES_DIR).map((f) => f.replace(/\.xml$/, ''))).toEqual(Object.keys(MANIFEST).sort());
  });

  it.each(Object.entries(MANIFEST))('%s has the manifest figure count', (id, [total, supplements]) => {
    const article = load(`${id}.xml`, ARTICLES_DIR);
    expect(article.figures).toHaveLength(total);
    expect(article.figures.filter((f) => f.parentId !== null)).toHaveLength(supplements);
    expect(article.figures.every((f) => f.graphics.length === 1)).toBe(true);
  });
});

// Image files present beside each XML in the shared data set (`ls data/articles/<id>/`, XML excluded).
const MEDIA: Record<string, string[]> = {
  'elife-00790': ['elife-00790-fig2.tif', 'elife-00790-fig3.tif', 'elife-00790-fig4.tif', 'elife-00790-fig5.tif', 'elife-00790-fig6.tif', 'elife-00790-fig7.tif', 'elife-00790-fig8.tif'],
  'elife-01239': ['elife-01239-fig1.tif', 'elife-01239-fig2.tif', 'elife-01239-fig3-figsupp1.tif', 'elife-01239-fig3.tif', 'elife-01239-fig4.tif', 'elife-01239-fig5.tif', 'elife-01239-fig6.tif', 'elife-01239-fig7.tif'],
  'elife-15600': ['elife-15600-fig1.tif', 'elife-15600-fig2.tif', 'elife-15600-fig3.tif', 'elife-15600-fig4.tif', 'elife-15600-fig5.tif', 'elife-15600-fig6.tif', 'elife-15600-fig7.tif'],
  'elife-30274': ['fig1.jpg', 'fig2-figsupp1.jpg', 'fig2-figsupp2.jpg', 'fig2.jpg', 'fig3.jpg'],
  'elife-43154': ['fig1.jpg', 'fig2.jpg', 'resp-fig1.jpg'],
  'elife-46472': ['fig1.jpg', 'fig2.jpg', 'fig3.jpg', 'fig4.jpg', 'fig5.jpg', 'fig6.jpg', 'fig7.jpg', 'fig8.jpg'],
  'elife-46793': ['fig1.jpg', 'fig10-figsupp1.jpg', 'fig10.jpg', 'fig2-figsupp1.jpg', 'fig2.jpg', 'fig3.jpg', 'fig4.jpg', 'fig5.jpg', 'fig6-figsupp1.jpg', 'fig6.jpg', 'fig7-figsupp1.jpg', 'fig7.jpg', 'fig8-figsupp1.jpg', 'fig8-figsupp2.jpg', 'fig8-figsupp3.jpg', 'fig8.jpg', 'fig9-figsupp1.jpg', 'fig9-figsupp2.jpg', 'fig9.jpg'],
  'elife-54296': ['elife-54296-fig1.tif'],
  'elife-65581': ['elife-65581-fig1.tif'],
  'pgen.1000096': ['pgen.1000096.g001.PNG_M', 'pgen.1000096.g002.tif', 'pgen.1000096.g003.PNG_M', 'pgen.1000096.g004.PNG_M', 'pgen.1000096.g005.tif'],
  'pgen.1000100': ['pgen.1000100.g001.tif', 'pgen.1000100.g002.tif', 'pgen.1000100.g003.tif', 'pgen.1000100.g004.tif', 'pgen.1000100.g005.tif', 'pgen.1000100.g006.tif', 'pgen.1000100.g007.tif', 'pgen.1000100.g008.tif'],
  'pone.0000010': ['pone.0000010.g001.png', 'pone.0000010.g002.png', 'pone.0000010.g003.png'],
  'pone.0056489': ['pone.0056489.g001.tif', 'pone.0056489.g002.tif', 'pone.0056489.g003.tif'],
  'pone.0060593': ['pone.0060593.g001.tif', 'pone.0060593.g002.tif'],
  'pone.0091296': ['g001.png', 'g002.png', 'g003.png', 'g004.png', 'g005.png', 'g006.png', 'g007.png', 'g008.png', 'g009.png', 't001.png', 't002.png', 't003.png', 't004.png', 't005.png'],
  'pone.0093988': ['e010.png', 'e032.png', 'e038.png', 'e044.png', 'e062.png', 'e068.png', 'e069.png', 'e082.png', 'e085.png', 'e091.png', 'e094.png', 'e103.png', 'e104.png', 'e111.png', 'e140.png', 'e142.png', 'e143.png', 'e155.png', 'e157.png', 'e180.png', 'e182.png', 'e232.png', 'e249.png', 'g001.png', 'g002.png', 'g003.png'],
  'pone.0097823': ['pone.0097823.g001.tif', 'pone.0097823.g002.tif'],
};

describe('graphics of the 17 articles resolve to their image files', () => {
  it.each(Object.keys(MANIFEST))('%s', (id) => {
    const article = load(`${id}.xml`, ARTICLES_DIR);
    const media = MEDIA[id] ?? [];
    const matched = article.figures.map((f) => matchGraphicToMedia(f.graphics[0] ?? '', media));
    // elife-00790 Figure 1 (>= 4 MiB) is absent from the snapshot, as the manifest says ("7/8").
    const expectedMissing = id === 'elife-00790' ? ['fig1'] : [];
    expect(article.figures.filter((_, i) => matched[i] === null).map((f) => f.id)).toEqual(expectedMissing);
    const found = matched.filter((m): m is string => m !== null);
    expect(new Set(found).size).toBe(found.length);
  });
});
