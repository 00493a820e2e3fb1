import { describe, expect, it } from 'vitest';
import { declaresEntities, replaceNamedEntities } from './entities.ts';

describe('replaceNamedEntities', () => {
  it('turns HTML named entities into numeric references and leaves XML ones alone', () => {
    expect(replaceNamedEntities('a&nbsp;b &amp; &lt; &ndash; &Agrave; &unknownthing;')).toBe('a&#xa0;b &amp; &lt; &#x2013; &#xc0; &unknownthing;');
  });

  it('never produces markup from uppercase aliases such as &LT;', () => {
    expect(replaceNamedEntities('&LT;tag&GT; &AMP;')).toBe('&#x3c;tag&#x3e; &#x26;');
  });

  it('leaves CDATA sections and comments untouched', () => {
    expect(replaceNamedEntities('<![CDATA[&nbsp;]]><!-- &nbsp; -->&nbsp;')).toBe('<![CDATA[&nbsp;]]><!-- &nbsp; -->&#xa0;');
  });
});

describe('declaresEntities', () => {
  it('spots entity declarations in the internal subset only', () => {
    expect(declaresEntities('<!DOCTYPE a [<!ENTITY x "y">]><a/>')).toBe(true);
    expect(declaresEntities('<!DOCTYPE article PUBLIC "-//NLM//DTD JATS" "JATS.dtd"><article>[1]</article>')).toBe(false);
    expect(declaresEntities('<article><p>&lt;!ENTITY</p></article>')).toBe(false);
  });
});
