import { describe, expect, it } from 'vitest';
import { escapeHtml, html, queryString, raw } from './html.ts';

describe('html templates', () => {
  it('escapes every interpolation, including inside arrays', () => {
    const out = html`<p title="${'a"b'}">${'<script>'}${['<b>', html`<i>${'&'}</i>`]}</p>`.value;
    expect(out).toBe('<p title="a&quot;b">&lt;script&gt;&lt;b&gt;<i>&amp;</i></p>');
  });

  it('passes nested templates and raw markup through unescaped', () => {
    expect(html`${raw('<hr>')}${html`<br>`}`.value).toBe('<hr><br>');
  });

  it('renders null, undefined and false as nothing and numbers as text', () => {
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
  });

  it('escapes quotes and backticks for attributes', () => {
    expect(escapeHtml(`'"\`<>&`)).toBe('&#39;&quot;&#96;&lt;&gt;&amp;');
  });

  it('builds query strings from defined values only', () => {
    expect(queryString({ a: 'x y', b: undefined, c: '', d: 2 })).toBe('?a=x+y&d=2');
    expect(queryString({})).toBe('');
  });
});
