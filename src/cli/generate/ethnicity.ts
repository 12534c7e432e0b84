// Ethnic category (NHS Data Dictionary, England) for synthetic people, in roughly the 2021 Census
// proportions adjusted by how diverse each local authority is, with the name community that goes with it.
import type { NameGroup } from './names.ts';
import type { Random, Weighted } from './random.ts';

export interface EthnicCategory {
  readonly code: string;
  readonly display: string;
  readonly nameGroups: readonly NameGroup[];
}

type Row = readonly [code: string, display: string, englandShare: number, nameGroups: readonly NameGroup[]];

// Shares are percentages of England's population (Census 2021, rounded); Z and 99 are recording gaps.
const ROWS: readonly Row[] = [
  ['A', 'British, Mixed British', 73.5, ['british']],
  ['B', 'Irish', 0.9, ['irish']],
  ['C', 'Any other White background', 6.3, ['eastern-european', 'other', 'british']],
  ['D', 'White and Black Caribbean', 0.9, ['british', 'black-caribbean']],
  ['E', 'White and Black African', 0.5, ['british', 'black-african']],
  ['F', 'White and Asian', 0.8, ['british', 'south-asian-hindu-sikh', 'south-asian-muslim']],
  ['G', 'Any other mixed background', 0.8, ['british', 'other']],
  ['H', 'Indian', 3.3, ['south-asian-hindu-sikh']],
  ['J', 'Pakistani', 2.7, ['south-asian-muslim']],
  ['K', 'Bangladeshi', 1.1, ['south-asian-muslim']],
  ['L', 'Any other Asian background', 1.6, ['south-asian-muslim', 'south-asian-hindu-sikh', 'other']],
  ['M', 'Caribbean', 1.1, ['black-caribbean']],
  ['N', 'African', 2.5, ['black-african']],
  ['P', 'Any other Black background', 0.5, ['black-caribbean', 'black-african']],
  ['R', 'Chinese', 0.7, ['chinese']],
  ['S', 'Any other ethnic group', 2.2, ['other']],
  ['Z', 'Not stated', 0.6, ['british', 'other']],
  ['99', 'Not known', 0.4, ['british']],
];

const cache = new Map<number, readonly Weighted<EthnicCategory>[]>();

/**
 * Weights for an area whose "A" share is `whiteBritishShare` percent; the other categories
 * share the rest in their national proportions.
 */
function weightsFor(whiteBritishShare: number): readonly Weighted<EthnicCategory>[] {
  const cached = cache.get(whiteBritishShare);
  if (cached) return cached;
  const nationalOther = 100 - ROWS[0][2];
  const scale = (100 - whiteBritishShare) / nationalOther;
  const weights = ROWS.map(([code, display, share, nameGroups]) => ({
    value: { code, display, nameGroups },
    weight: code === 'A' ? whiteBritishShare : share * scale,
  }));
  cache.set(whiteBritishShare, weights);
  return weights;
}

/** An ethnic category drawn for an area with the given White British percentage. */
export function pickEthnicCategory(random: Random, whiteBritishShare: number): EthnicCategory {
  return random.weighted(weightsFor(whiteBritishShare));
}
