import type { SampleSpec } from './sample.ts';

/**
 * Counts over the exported samples, gathered in the stable order (so articles and figures are counted where the
 * key changes, with no set of every article in memory). Replayed shards count exactly like written ones.
 */
export class ExportStats {
  samples = 0;
  articles = 0;
  figures = 0;
  duplicates = 0;
  missing = 0;
  private lastArticle: string | null = null;
  private lastFigure: string | null = null;
  readonly licenses = new Map<string, { samples: number; articles: number }>();
  readonly methods = new Map<string, number>();
  readonly versions = { ingest: new Set<number>(), detect: new Set<number>(), align: new Set<number>(), model: new Set<string>() };

  add(spec: SampleSpec): void {
    const { meta } = spec;
    this.samples += 1;
    const license = meta.license ?? `(none; group ${meta.license_group})`;
    const entry = this.licenses.get(license) ?? { samples: 0, articles: 0 };
    entry.samples += 1;
    if (meta.article_key !== this.lastArticle) {
      this.articles += 1;
      entry.articles += 1;
      this.lastArticle = meta.article_key;
      this.lastFigure = null;
    }
    this.licenses.set(license, entry);
    const figure = `${meta.figure_id}\u0000${meta.graphic_index}`;
    if (figure !== this.lastFigure) {
      this.figures += 1;
      this.lastFigure = figure;
    }
    this.methods.set(meta.method, (this.methods.get(meta.method) ?? 0) + 1);
    if (meta.ingest_version !== null) this.versions.ingest.add(meta.ingest_version);
    if (meta.detect_version !== null) this.versions.detect.add(meta.detect_version);
    if (meta.align_version !== null) this.versions.align.add(meta.align_version);
    if (meta.model_version !== null) this.versions.model.add(meta.model_version);
  }
}

export function sortedEntries<V>(map: Map<string, V>): Array<[string, V]> {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function sortedValues<T extends string | number>(set: Set<T>): T[] {
  return [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
