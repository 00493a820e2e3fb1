/** What ingest needs from one JATS article. */
export interface JatsArticle {
  /** "PMC1234567" when the XML carries it (publisher XML often does not). */
  pmcid: string | null;
  pmid: string | null;
  doi: string | null;
  title: string | null;
  license: JatsLicense | null;
  figures: JatsFigure[];
}

export interface JatsLicense {
  /** Normalised code as PMC uses it: "CC BY", "CC0", "CC BY-NC-ND", ... or null when unknown. */
  code: string | null;
  /** The licence URL when present (xlink:href or ali:license_ref). */
  url: string | null;
  /** The licence text, whitespace-normalised. */
  text: string | null;
}

export interface JatsFigure {
  /** The `<fig id>`; synthesised as "fig-<n>" when missing. */
  id: string;
  /** "Figure 1", "Figure 1—figure supplement 2", or null. */
  label: string | null;
  /** Title + paragraphs of the caption, inline markup flattened, whitespace normalised. */
  caption: string;
  /** Texts of `<bold>` spans inside the caption paragraphs (panel-label hints for caption splitting). */
  boldSpans: string[];
  /** All `graphic/@xlink:href` values of the figure, in document order. */
  graphics: string[];
  /** id of the enclosing figure when this is a figure supplement or a member of a fig-group. */
  parentId: string | null;
}
