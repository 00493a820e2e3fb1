import { describe, expect, it } from 'vitest';
import { replaceNamedEntities } from './entities.ts';

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
