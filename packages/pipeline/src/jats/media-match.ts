/**
 * Raster extensions a figure image may carry, best quality first. `.PNG_L` / `.PNG_M` are PLOS ingest
 * renditions (large / medium PNG).
 */
const IMAGE_EXTENSIONS = ['tif', 'tiff', 'png', 'jpg', 'jpeg', 'png_l', 'png_m', 'gif'] as const;

/** Extensions an href may carry that the delivered file may not share (PMC converts TIFF/EPS to JPEG). */
const HREF_EXTENSIONS = new Set<string>([...IMAGE_EXTENSIONS, 'eps', 'ps', 'pdf', 'bmp', 'svg', 'webp', 'jp2', 'png_s', 'png_i']);

function basename(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut >= 0 ? path.slice(cut + 1) : path;
}

function splitExtension(name: string, known: ReadonlySet<string>): { stem: string; ext: string | null } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { stem: name, ext: null };
  const ext = name.slice(dot + 1).toLowerCase();
  return known.has(ext) ? { stem: name.slice(0, dot), ext } : { stem: name, ext: null };
}

const IMAGE_SET = new Set<string>(IMAGE_EXTENSIONS);
const rank = (ext: string | null): number => (ext === null ? IMAGE_EXTENSIONS.length : IMAGE_EXTENSIONS.indexOf(ext as never));

/**
 * The media file a `graphic/@xlink:href` refers to, or null. Tried in order, case-insensitively:
 * the exact name; the same basename; the href plus an image extension; the href's stem with another
 * image extension (`x.tif` → `x.jpg`); finally the same with leading dot-separated parts of the href
 * dropped, for PLOS hrefs (`info:doi/10.1371/journal.pone.0046493.g001` → `pone.0046493.g001.tif`).
 * Among several candidates the best-quality format wins (tif, png, jpg, PNG_L, PNG_M, gif).
 */
export function matchGraphicToMedia(href: string, mediaNames: string[]): string | null {
  const target = href.trim();
  if (!target || mediaNames.length === 0) return null;
  const exact = mediaNames.find((name) => name === target) ?? mediaNames.find((name) => name.toLowerCase() === target.toLowerCase());
  if (exact) return exact;

  const base = basename(target).toLowerCase();
  if (!base) return null;
  const byBase = mediaNames.find((name) => basename(name).toLowerCase() === base);
  if (byBase) return byBase;

  const media = mediaNames.map((name) => {
    const { stem, ext } = splitExtension(basename(name), IMAGE_SET);
    return { name, stem: stem.toLowerCase(), ext };
  });
  const best = (stem: string): string | null => {
    const hits = media.filter((m) => m.ext !== null && m.stem === stem);
    hits.sort((a, b) => rank(a.ext) - rank(b.ext));
    return hits[0]?.name ?? null;
  };

  const stems = [base];
  const { stem: hrefStem, ext: hrefExt } = splitExtension(base, HREF_EXTENSIONS);
  if (hrefExt !== null) stems.push(hrefStem);
  for (const stem of stems) {
    const hit = best(stem);
    if (hit) return hit;
  }

  // PLOS: "journal.pone.0046493.g001" is delivered as "pone.0046493.g001.tif" (or "g001.png").
  const parts = hrefStem.split('.');
  for (let i = 1; i < parts.length; i++) {
    const hit = best(parts.slice(i).join('.'));
    if (hit) return hit;
  }
  return null;
}
