import type { Element, Node } from '@xmldom/xmldom';
import type { JatsFigure } from './types.ts';
import { attr, descendants, firstChildElement, hrefOf, isElement, isText, nameOf } from './dom.ts';
import { flattenText, normalizeWhitespace } from './text.ts';

/** Caption children that are not caption prose. */
const CAPTION_SKIP = new Set(['object-id', 'alt-text', 'long-desc', 'permissions', 'attrib', 'supplementary-material', 'media']);

/** A paragraph that only carries the figure's DOI (eLife: "DOI: http://dx.doi.org/10.7554/eLife.02304.003"). */
const DOI_ONLY = /^(?:doi:?\s*)?(?:https?:\/\/(?:dx\.)?doi\.org\/)?10\.\d{4,9}\/\S+$/i;

/**
 * Every `<fig>` of the document in document order — body, back, floats-group, sub-articles, fig-group
 * members and figure supplements, which are listed after their parent figure.
 */
export function extractFigures(root: Element): JatsFigure[] {
  const figs = descendants(root, 'fig');
  const ids = assignIds(figs);
  const figures: JatsFigure[] = [];
  let lastMainFigId: string | null = null;
  for (const fig of figs) {
    const id = ids.get(fig) ?? '';
    let parentId = enclosingFigId(fig, ids);
    if (parentId === null && attr(fig, 'specific-use') === 'child-fig') parentId = lastMainFigId;
    if (parentId === null) lastMainFigId = id;
    figures.push({ id, parentId, label: labelOf(fig), ...captionOf(fig), graphics: graphicsOf(fig) });
  }
  return figures;
}

/** Unique ids: the `id` attribute, else "fig-<n>" (n = position among all figures, from 1). */
function assignIds(figs: Element[]): Map<Element, string> {
  const taken = new Set(figs.map((fig) => attr(fig, 'id')?.trim()).filter((id): id is string => !!id));
  const used = new Set<string>();
  const ids = new Map<Element, string>();
  figs.forEach((fig, index) => {
    let id = attr(fig, 'id')?.trim() || `fig-${index + 1}`;
    if (used.has(id) || (!attr(fig, 'id')?.trim() && taken.has(id))) {
      let k = 2;
      while (used.has(`${id}-${k}`) || taken.has(`${id}-${k}`)) k++;
      id = `${id}-${k}`;
    }
    used.add(id);
    ids.set(fig, id);
  });
  return ids;
}

/** The parent figure (a `<fig>` around this one) or the first figure of the enclosing `<fig-group>`. */
function enclosingFigId(fig: Element, ids: Map<Element, string>): string | null {
  for (let node: Node | null = fig.parentNode; node && isElement(node); node = node.parentNode) {
    const name = nameOf(node);
    if (name === 'fig') return ids.get(node) ?? null;
    if (name === 'fig-group') {
      const first = firstChildElement(node, 'fig');
      if (first && first !== fig) return ids.get(first) ?? null;
    }
  }
  return null;
}

/** "Figure 1." → "Figure 1"; null when there is no label or it is empty. */
export function normalizeLabel(text: string): string | null {
  const label = normalizeWhitespace(text).replace(/\s*[.:]+$/, '');
  return label || null;
}

function labelOf(fig: Element): string | null {
  const label = firstChildElement(fig, 'label');
  return label ? normalizeLabel(flattenText(label)) : null;
}

function captionOf(fig: Element): { caption: string; boldSpans: string[] } {
  const caption = firstChildElement(fig, 'caption');
  if (!caption) return { caption: '', boldSpans: [] };
  let title = '';
  const paragraphs: string[] = [];
  const kept: Element[] = [];
  for (let child = caption.firstChild; child; child = child.nextSibling) {
    if (isText(child)) {
      const text = normalizeWhitespace(child.nodeValue ?? '');
      if (text) paragraphs.push(text);
      continue;
    }
    if (!isElement(child)) continue;
    const name = nameOf(child);
    if (CAPTION_SKIP.has(name)) continue;
    const text = flattenText(child, { skip: CAPTION_SKIP });
    if (!text) continue;
    if (name === 'title' && !title && paragraphs.length === 0) {
      title = text;
      kept.push(child);
      continue;
    }
    if (DOI_ONLY.test(text)) continue;
    paragraphs.push(text);
    kept.push(child);
  }
  const body = paragraphs.join(' ');
  let text = title;
  if (title && body) text = `${title}${endsSentence(title) ? '' : '.'} ${body}`;
  else if (body) text = body;
  const boldSpans = kept
    .flatMap((el) => descendants(el, 'bold', (e) => CAPTION_SKIP.has(nameOf(e))))
    .map((b) => flattenText(b))
    .filter(Boolean);
  return { caption: text, boldSpans };
}

/** A title ending in . ! ? (or : ; which already lead into the text) needs no added full stop. */
function endsSentence(text: string): boolean {
  return /[.!?:;][\s"'’”)\]]*$/.test(text);
}

/**
 * `<graphic>` hrefs of this figure (not of nested figures nor of the caption), deduplicated, in document order.
 * Several graphics are several images (panels delivered as gr3a + gr3b); graphics inside one `<alternatives>`
 * are renderings of the same image, of which the first is kept.
 */
function graphicsOf(fig: Element): string[] {
  const hrefs = descendants(fig, 'graphic', (el) => {
    const name = nameOf(el);
    return name === 'fig' || name === 'caption' || name === 'fig-group';
  })
    .filter((graphic) => {
      const parent = graphic.parentNode;
      return !(isElement(parent) && nameOf(parent) === 'alternatives' && firstChildElement(parent, 'graphic') !== graphic);
    })
    .map((graphic) => hrefOf(graphic))
    .filter((href): href is string => href !== null);
  return [...new Set(hrefs)];
}

