import { describe, expect, it } from 'vitest';
import { matchGraphicToMedia } from './media-match.ts';

describe('matchGraphicToMedia', () => {
  it('matches the exact name first', () => {
    expect(matchGraphicToMedia('gr1.jpg', ['gr1.tif', 'gr1.jpg'])).toBe('gr1.jpg');
  });

  it('is case-insensitive', () => {
    expect(matchGraphicToMedia('Fig1.JPG', ['fig1.jpg'])).toBe('fig1.jpg');
    expect(matchGraphicToMedia('fig1', ['FIG1.JPG'])).toBe('FIG1.JPG');
  });

  it('matches by basename when either side has a path', () => {
    expect(matchGraphicToMedia('figures/gr2.jpg', ['PMC123.1/gr2.jpg'])).toBe('PMC123.1/gr2.jpg');
  });

  it('adds an image extension to an extension-less href (PMC Cloud layout)', () => {
    expect(matchGraphicToMedia('NPR2-43-85-g001', ['NPR2-43-85-g001.jpg', 'NPR2-43-85-s001.xlsx', 'PMC10009416.1.pdf'])).toBe('NPR2-43-85-g001.jpg');
    expect(matchGraphicToMedia('pone.0046493.g001', ['pone.0046493.g001.jpg', 'pone.0046493.g002.jpg'])).toBe('pone.0046493.g001.jpg');
  });

  it('prefers the best-quality format', () => {
    expect(matchGraphicToMedia('gr1', ['gr1.gif', 'gr1.jpg', 'gr1.tif'])).toBe('gr1.tif');
    expect(matchGraphicToMedia('gr1', ['gr1.gif', 'gr1.jpg'])).toBe('gr1.jpg');
    expect(matchGraphicToMedia('gr1', ['gr1.PNG_M', 'gr1.PNG_L', 'gr1.gif'])).toBe('gr1.PNG_L');
    expect(matchGraphicToMedia('gr1', ['gr1.jpeg', 'gr1.png'])).toBe('gr1.png');
  });

  it('replaces the href extension when the delivered file differs (tif/eps → jpg)', () => {
    expect(matchGraphicToMedia('elife-00790-fig2.tif', ['elife-00790-fig2.jpg'])).toBe('elife-00790-fig2.jpg');
    expect(matchGraphicToMedia('fig3.eps', ['fig3.gif', 'fig3.jpg'])).toBe('fig3.jpg');
  });

  it('does not take a dotted href apart as if it had an extension', () => {
    expect(matchGraphicToMedia('pone.0046493.g001', ['pone.0046493.jpg'])).toBeNull();
  });

  it('resolves PLOS info:doi hrefs to the article-relative file names', () => {
    const media = ['pgen.1000096.g001.PNG_M', 'pgen.1000096.g002.tif', 'pgen.1000096.g003.PNG_M', 'pgen.1000096.xml'];
    expect(matchGraphicToMedia('info:doi/10.1371/journal.pgen.1000096.g001', media)).toBe('pgen.1000096.g001.PNG_M');
    expect(matchGraphicToMedia('info:doi/10.1371/journal.pgen.1000096.g002', media)).toBe('pgen.1000096.g002.tif');
    expect(matchGraphicToMedia('info:doi/10.1371/journal.pgen.1000096.t001', media)).toBeNull();
  });

  it('returns null when nothing fits', () => {
    expect(matchGraphicToMedia('elife-00790-fig1.tif', ['elife-00790-fig2.tif', 'elife-00790.xml'])).toBeNull();
    expect(matchGraphicToMedia('gr1', [])).toBeNull();
    expect(matchGraphicToMedia('', ['gr1.jpg'])).toBeNull();
    expect(matchGraphicToMedia('gr1', ['gr10.jpg', 'gr1.pdf'])).toBeNull();
  });
});
