/**
 * Panel labels a caption mentions, as detection hints ("a, b Schematic ... c–e SEM images" -> a..e).
 * Deliberately small: the caption-splitting stage owns the full parsing; this only needs the label set.
 */
export function captionPanelLabels(caption: string): string[] {
  const text = caption.normalize('NFKC').replace(/[\u2010-\u2015\u2212]/g, '-');
  const found = new Set<string>();
  const addRange = (a: string, b: string | undefined, sep: string | undefined): void => {
    if (b && sep === '-' && a.length === 1 && b.length === 1 && b.charCodeAt(0) > a.charCodeAt(0) && b.charCodeAt(0) - a.charCodeAt(0) < 26) {
      for (let c = a.charCodeAt(0); c <= b.charCodeAt(0); c++) found.add(String.fromCharCode(c));
    } else {
      found.add(a);
      if (b) found.add(b);
    }
  };
  const groups = [
    // (A), (a-c), (A, B), (b and c)
    /\(\s*([A-Za-z])\s*(?:([-,]|and)\s*([A-Za-z])\s*)?(?:[,]\s*([A-Za-z])\s*)*\)/g,
    // Nature style at the start of a sentence: "a, b Schematic", "c-e SEM images", "f High-resolution"
    /(?:^|[.;]\s+)([a-zA-Z])(?:\s*([-,]|and)\s*([a-zA-Z]))?(?:\s*,\s*([a-zA-Z]))?\s+(?=[A-Z(\d])/g,
    // "A. Foo", "B: bar" at sentence start
    /(?:^|[.;]\s+)\(?([A-Z])[.:)]\s/g,
  ];
  for (const re of groups) {
    for (const m of text.matchAll(re)) {
      const a = m[1];
      if (!a) continue;
      addRange(a, m[3], m[2]);
      if (m[4]) found.add(m[4]);
    }
  }
  // Keep the run that starts at a/A: a mention like "(S)" in a chemical name must not add a panel.
  const result: string[] = [];
  for (const base of ['a', 'A']) {
    const start = base.charCodeAt(0);
    let last = -1;
    for (let c = start; c < start + 26; c++) if (found.has(String.fromCharCode(c))) last = c;
    if (last < 0 || !found.has(base)) continue;
    let present = 0;
    for (let c = start; c <= last; c++) if (found.has(String.fromCharCode(c))) present++;
    if (present / (last - start + 1) >= 0.6) for (let c = start; c <= last; c++) result.push(String.fromCharCode(c));
  }
  // A caption uses one case; if both runs were found keep the longer.
  const lower = result.filter((l) => l === l.toLowerCase());
  const upper = result.filter((l) => l !== l.toLowerCase());
  const chosen = lower.length >= upper.length ? lower : upper;
  return chosen.length >= 2 ? chosen : [];
}
