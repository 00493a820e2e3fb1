/**
 * Reviewed subcaption references: per figure and panel label, the caption spans a reviewer marked as
 * describing that panel. They replace the subcaptions of an EXSCLAIM ground truth (which are EXSCLAIM's
 * own, often misassigned fragments) while keeping its panel boxes.
 */
import { z } from 'zod';
import type { GroundTruthFigure } from '../detect/ground-truth.ts';

const ReviewedSubcaptionsSchema = z.object({
  guideline: z.string().min(1),
  figures: z.record(z.string(), z.record(z.string(), z.string())),
});

export type ReviewedSubcaptions = z.infer<typeof ReviewedSubcaptionsSchema>;

export function parseReviewedSubcaptions(data: unknown): ReviewedSubcaptions {
  const parsed = ReviewedSubcaptionsSchema.safeParse(data);
  if (!parsed.success) {
    throw new Error(`reviewed subcaptions: expected {guideline, figures: {<figure id>: {<label>: text}}}: ${parsed.error.message}`);
  }
  return parsed.data;
}

export interface ReviewedFigures {
  figures: GroundTruthFigure[];
  /** Panels left out because they have no label or no reviewed text. */
  skippedPanels: number;
}

/** Figures restricted to the panels with a reviewed text, their captions replaced by it. */
export function withReviewedSubcaptions(figures: readonly GroundTruthFigure[], reviewed: ReviewedSubcaptions): ReviewedFigures {
  let skippedPanels = 0;
  const out: GroundTruthFigure[] = [];
  for (const fig of figures) {
    const texts = reviewed.figures[fig.id];
    if (!texts) {
      skippedPanels += fig.panels.length;
      continue;
    }
    const panels = fig.panels.flatMap((s) => {
      const text = s.label ? texts[s.label] : undefined;
      if (text === undefined) {
        skippedPanels++;
        return [];
      }
      return [{ ...s, caption: text }];
    });
    out.push({ ...fig, panels });
  }
  return { figures: out, skippedPanels };
}
