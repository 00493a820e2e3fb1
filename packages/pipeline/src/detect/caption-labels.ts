/**
 * Panel labels a caption mentions, as detection hints ("a, b Schematic ... c–e SEM images" -> a..e).
 * Deliberately small: the caption-splitting stage owns the full parsing; this only needs the label set.
 */
export function captionPanelLabels(caption: string): string[] {
  const text = caption.normalize('NFKC').replace(/[\u2010-\u2015\u2212]/g, '-');
  const found = new Set<string>();
  /** Adds "A", "A-C", "A, B and D" style lists. */
  const addList = (list: string): void => {
    for (const part of list.split(/\s*(?:,|;|\band\b|&)\s*/)) {
      const range = /^([A-Za-z])\s*-\s*([A-Za-z])$/.exec(part.trim());
      if (range) {
        const [a, b] = [range[1]!.charCodeAt(0), range[2]!.charCodeAt(0)];
        if (b > a && b - a < 26) for (let c = a; c <= b; c++) found.add(String.fromCharCode(c));
      } else if (/^[A-Za-z]$/.test(part.trim())) found.add(part.trim());
    }
  };
  const LIST = String.raw`[A-Za-z](?:\s*(?:-|,|and|&)\s*[A-Za-z])*`;
  // (A), (a-c), (A, B), (A-B, E-F), (b and c)
  for (const m of text.matchAll(new RegExp(String.raw`\(\s*(${LIST})\s*\)`, 'g'))) addList(m[1]!);
  // Nature style at a sentence start: "a, b Schematic", "c-e SEM images", "f High-resolution"
  for (const m of text.matchAll(new RegExp(String.raw`(?:^|[.;:]\s+)(${LIST})\s+(?=[A-Z(\d])`, 'g'))) addList(m[1]!);
  // "A. Foo", "B: bar", "C) baz" after a sentence end or a space; "A)Schematic" (no space) only after a
  // bracket, where an abbreviation ("U.S") cannot be
  for (const m of text.matchAll(/(?:^|\s)\(?([A-Z])(?:[.:)]\s+|\)(?=[A-Z][a-z]))(?=[A-Z(])/g)) found.add(m[1]!);
  // Keep the run that starts at a/A, tolerating one missing letter: "(T)" or "(U)" used as abbreviations
  // later in the caption must not add panels.
  const runFrom = (base: string): string[] => {
    const out: string[] = [];
    let gap = 0;
    for (let c = base.charCodeAt(0); c < base.charCodeAt(0) + 26; c++) {
      const l = String.fromCharCode(c);
      if (found.has(l)) { gap = 0; out.push(l); } else if (++gap > 1) break; else out.push(l);
    }
    while (out.length && !found.has(out.at(-1)!)) out.pop();
    return found.has(base) ? out : [];
  };
  const lower = runFrom('a');
  const upper = runFrom('A');
  const chosen = lower.length >= upper.length ? lower : upper;
  return chosen.length >= 2 ? chosen : [];
}
