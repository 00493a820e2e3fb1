import type { Element } from '@xmldom/xmldom';
import { attr, childElements, isElement, isText, nameOf } from './dom.ts';

/**
 * Formulas as plain text, so that a caption keeps them ("a control parameter Γ_1 = 0.975") instead of a
 * gap. MathML: its `alttext` when present, else the tokens in order with one simple rule for layout —
 * subscripts `x_2`, superscripts `x^2`, fractions `a/b`, roots `√x`, a script or operand of more than one
 * token in parentheses (`x_(i+1)`, `e^(−t/τ)`). TeX (`<tex-math>`): the formula source without the
 * LaTeX document wrapper BMC and others put around it.
 */

/** Function application, invisible times / separator / plus: layout hints, not text. */
const INVISIBLE = /[\u2061-\u2064]/g;
/** An `<mover>` whose upper part is one of these is an accent on the base (x̄, ẋ, x⃗): written after it. */
const ACCENTS = new Set(['¯', 'ˉ', '‾', '^', 'ˆ', '~', '˜', '˙', '¨', '→', '⃗', '′', '´', '`', '˘', 'ˇ', '.']);

export function mathText(math: Element): string {
  const alt = attr(math, 'alttext')?.replace(/\s+/g, ' ').trim();
  if (alt) return alt;
  return render(math)
    .replace(/\s+/g, ' ')
    .replace(/([([{]) /g, '$1')
    .replace(/ ([)\]},])/g, '$1')
    .trim();
}

/** The formula of a `<tex-math>`: `\documentclass...\begin{document}$$x^2$$\end{document}` → `x^2`. */
export function texText(tex: Element): string {
  let source = textOf(tex);
  const begin = source.indexOf('\\begin{document}');
  const end = source.lastIndexOf('\\end{document}');
  if (begin >= 0 && end > begin) source = source.slice(begin + '\\begin{document}'.length, end);
  source = source.trim();
  for (const [open, close] of [['$$', '$$'], ['$', '$'], ['\\[', '\\]'], ['\\(', '\\)']] as const) {
    if (source.length >= open.length + close.length && source.startsWith(open) && source.endsWith(close)) {
      source = source.slice(open.length, source.length - close.length);
      break;
    }
  }
  return source.replace(/\s+/g, ' ').trim();
}

function textOf(el: Element): string {
  let out = '';
  for (let child = el.firstChild; child; child = child.nextSibling) {
    if (isText(child)) out += child.nodeValue ?? '';
    else if (isElement(child)) out += textOf(child);
  }
  return out;
}

/** A token element's text: mtext / ms keep their inner spaces, mi / mn / mo are trimmed. */
function token(el: Element, keepSpaces: boolean): string {
  const text = textOf(el).replace(INVISIBLE, '');
  return keepSpaces ? text.replace(/\s+/g, ' ') : text.trim();
}

/** A script or operand: one token as is, anything longer in parentheses. */
function group(text: string): string {
  const trimmed = text.trim();
  if ([...trimmed].length <= 1 || /^[\p{L}\p{N}.]+$/u.test(trimmed)) return trimmed;
  if (/^\(.*\)$/.test(trimmed) && balanced(trimmed.slice(1, -1))) return trimmed;
  return `(${trimmed})`;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

function render(el: Element): string {
  const name = nameOf(el);
  const parts = childElements(el);
  const at = (i: number) => (parts[i] ? render(parts[i]) : '');
  switch (name) {
    case 'mi': {
      // A function name (sin, exp, max) is a word: keep it apart from what precedes and follows.
      const text = token(el, false);
      return [...text].length > 1 ? ` ${text} ` : text;
    }
    case 'mn':
    case 'mo':
      return token(el, false);
    case 'mtext':
    case 'ms':
      return token(el, true);
    case 'mspace':
      return ' ';
    case 'annotation':
    case 'annotation-xml':
    case 'mphantom':
    case 'none':
    case 'mprescripts':
    case 'malignmark':
    case 'maligngroup':
      return '';
    case 'semantics':
      return at(0);
    case 'msub':
      return `${at(0).trim()}_${group(at(1))}`;
    case 'msup':
      return `${at(0).trim()}^${group(at(1))}`;
    case 'msubsup':
      return `${at(0).trim()}_${group(at(1))}^${group(at(2))}`;
    case 'munder':
      return `${at(0)}_${group(at(1))}`;
    case 'mover': {
      const over = at(1).trim();
      return ACCENTS.has(over) || attr(el, 'accent') === 'true' ? `${at(0)}${over}` : `${at(0)}^${group(over)}`;
    }
    case 'munderover':
      return `${at(0)}_${group(at(1))}^${group(at(2))}`;
    case 'mfrac':
      return `${group(at(0))}/${group(at(1))}`;
    case 'msqrt':
      return `√${group(parts.map(render).join(''))}`;
    case 'mroot':
      return `${group(at(0))}^(1/${at(1).trim()})`;
    case 'mfenced': {
      const given = (attribute: string, fallback: string) => (el.hasAttribute(attribute) ? el.getAttribute(attribute) ?? '' : fallback);
      const open = given('open', '(');
      const close = given('close', ')');
      const separators = [...given('separators', ',').replace(/\s+/g, '')];
      const inner = parts.map((part, i) => (i === 0 ? '' : (separators[Math.min(i - 1, separators.length - 1)] ?? '')) + render(part));
      return `${open}${inner.join('')}${close}`;
    }
    case 'mtable':
      return parts.map(render).join('; ');
    case 'mtr':
    case 'mlabeledtr':
      return parts.map(render).join(' ');
    default:
      return parts.map(render).join('');
  }
}
