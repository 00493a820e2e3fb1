import type { PairMethod } from '@prisma/client';
import type { AlignMethod } from '@pmc-curator/pipeline/align';

/**
 * Pair.method is the aligner's `AlignMethod`, stored as the aligner spells it ('whole-caption'). Prisma enum values
 * cannot hold a '-', so the client names two of them whole_caption / unmatched_panel (`@map` in the schema); these
 * two maps are the only place the spellings meet, and each is checked complete against the other type.
 */
const ROW: { readonly [M in AlignMethod]: PairMethod } = {
  label: 'label',
  position: 'position',
  order: 'order',
  'whole-caption': 'whole_caption',
  'unmatched-panel': 'unmatched_panel',
};
const ALIGNED: { readonly [M in PairMethod]: AlignMethod } = {
  label: 'label',
  position: 'position',
  order: 'order',
  whole_caption: 'whole-caption',
  unmatched_panel: 'unmatched-panel',
};

export type { AlignMethod };

/** Every method the aligner writes, in the aligner's spelling. */
export const ALIGN_METHODS = Object.keys(ROW) as [AlignMethod, ...AlignMethod[]];

/** The client's value for an aligner method (to write or filter Pair.method). */
export function pairMethodOf(method: AlignMethod): PairMethod {
  return ROW[method];
}

/** The aligner's name of a stored pair method (what exports and the dashboard show). */
export function alignMethodOf(method: PairMethod): AlignMethod {
  return ALIGNED[method];
}
