// Where a de-duplication goes wrong on a generated population: the true pairs it missed, by the errors the
// two records carried, and the false links it made, by how the two people relate (twins, one household,
// a mistyped NHS number…). The figures say which matching rule to look at next.
import type { MatchRecord } from '../../src/identity/match-types.ts';
import { CORRUPTION, CORRUPTION_KINDS, type CorruptionKind } from './corruption.ts';
import type { Population } from './population.ts';

/** Pair-level conditions derived from the two records, beside the record-level corruption kinds. */
export const PAIR_CONDITIONS = ['houseMove', 'noSharedNhsNumber'] as const;
export type PairTag = CorruptionKind | (typeof PAIR_CONDITIONS)[number] | 'clean';

export interface MissedByTag {
  tag: PairTag;
  /** True pairs whose records carry this (either record). */
  pairs: number;
  missed: number;
  missRate: number;
  /** Missed pairs where this was the only error (a missing or mismatched NHS number aside). */
  missedAlone: number;
}

export const FALSE_LINK_KINDS = [
  'wrong NHS number typed', 'placeholder', 'twins', 'junior (same forename as father)', 'same household',
  'same surname and date of birth', 'same forename and surname', 'other',
] as const;
export type FalseLinkKind = (typeof FALSE_LINK_KINDS)[number];

export interface PairExample { weight: number; a: MatchRecord; b: MatchRecord }

export interface ErrorBreakdown {
  method: string;
  missed: { total: number; byTag: MissedByTag[] };
  falseLinks: {
    /** Link pairs (at or above the link threshold) between different people, by relation. */
    direct: Record<FalseLinkKind, number>;
    directTotal: number;
    /** False pairs inside predicted clusters (including those made by chaining), by relation. */
    inClusters: Record<FalseLinkKind, number>;
    /** False pairs inside predicted clusters too large to list pair by pair (counted, not classified). */
    inLargeClusters: number;
    largestCluster: number;
    examples: Partial<Record<FalseLinkKind, PairExample[]>>;
  };
  twins: { pairs: number; linked: number };
  /** Predicted clusters holding two or more different NHS numbers. */
  clustersWithConflictingNhsNumbers: number;
  review: { pairs: number; samePerson: number; differentPeople: number };
}

/** Clusters larger than this are counted, not listed pair by pair (a chain can merge thousands). */
const LIST_LIMIT = 60;
const EXAMPLES_PER_KIND = 3;

/** Record indices grouped by a key (counting sort): `order[start[k]..start[k+1])` holds group k. */
function groupBy(keys: ArrayLike<number>, groups: number): { start: Int32Array; order: Int32Array } {
  const start = new Int32Array(groups + 1);
  for (let i = 0; i < keys.length; i++) start[keys[i]! + 1]!++;
  for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
  const fill = start.slice(0, groups);
  const order = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) order[fill[keys[i]!]!++] = i;
  return { start, order };
}

function denseIds(ids: Int32Array): { dense: Int32Array; count: number } {
  const map = new Map<number, number>();
  const dense = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    let d = map.get(ids[i]!);
    if (d === undefined) map.set(ids[i]!, (d = map.size));
    dense[i] = d;
  }
  return { dense, count: map.size };
}

class PairTagger {
  readonly population: Population;

  constructor(population: Population) {
    this.population = population;
  }

  tags(i: number, j: number): PairTag[] {
    const { flags, addressOf, records } = this.population;
    const both = flags[i]! | flags[j]!;
    const out: PairTag[] = [];
    for (const kind of CORRUPTION_KINDS) if (both & CORRUPTION[kind]) out.push(kind);
    if (addressOf[i] !== addressOf[j]) out.push('houseMove');
    const a = records[i]!.nhsNumber;
    if (!a || a !== records[j]!.nhsNumber || both & CORRUPTION.nhsWrong) out.push('noSharedNhsNumber');
    return out;
  }

  falseKind(i: number, j: number): FalseLinkKind {
    const { truth, people, records, flags } = this.population;
    const p = truth[i]!;
    const q = truth[j]!;
    const a = records[i]!;
    const b = records[j]!;
    if ((flags[i]! | flags[j]!) & CORRUPTION.nhsWrong && a.nhsNumber !== undefined && a.nhsNumber === b.nhsNumber) return 'wrong NHS number typed';
    if (a.placeholder || b.placeholder) return 'placeholder';
    if (people.twinOf[p] === q || people.twinOf[q] === p) return 'twins';
    if (people.juniorOf[p] === q || people.juniorOf[q] === p) return 'junior (same forename as father)';
    if (people.household[p] === people.household[q]) return 'same household';
    if (a.family !== undefined && a.family === b.family && a.birthDate !== undefined && a.birthDate === b.birthDate) return 'same surname and date of birth';
    if (a.given !== undefined && a.given === b.given && a.family !== undefined && a.family === b.family) return 'same forename and surname';
    return 'other';
  }
}

const zeroKinds = (): Record<FalseLinkKind, number> => Object.fromEntries(FALSE_LINK_KINDS.map((k) => [k, 0])) as Record<FalseLinkKind, number>;

function missedPairs(population: Population, clusterOf: Int32Array, tagger: PairTagger): ErrorBreakdown['missed'] {
  const tags: PairTag[] = [...CORRUPTION_KINDS, ...PAIR_CONDITIONS, 'clean'];
  const counts = new Map<PairTag, { pairs: number; missed: number; missedAlone: number }>(tags.map((t) => [t, { pairs: 0, missed: 0, missedAlone: 0 }]));
  const { start, order } = groupBy(population.truth, population.people.count);
  let total = 0;
  for (let p = 0; p < population.people.count; p++) {
    for (let x = start[p]!; x < start[p + 1]!; x++) {
      for (let y = x + 1; y < start[p + 1]!; y++) {
        const i = order[x]!;
        const j = order[y]!;
        const missed = clusterOf[i] !== clusterOf[j];
        if (missed) total++;
        const pairTags = tagger.tags(i, j);
        const errors = pairTags.filter((t) => t !== 'noSharedNhsNumber' && t !== 'nhsMissing');
        if (errors.length === 0) pairTags.push('clean');
        for (const t of pairTags) {
          const c = counts.get(t)!;
          c.pairs++;
          if (missed) {
            c.missed++;
            if (errors.length <= 1 && (errors[0] === t || (errors.length === 0 && t === 'clean'))) c.missedAlone++;
          }
        }
      }
    }
  }
  const byTag = tags.map((tag) => {
    const c = counts.get(tag)!;
    return { tag, ...c, missRate: c.pairs === 0 ? 0 : c.missed / c.pairs };
  }).filter((t) => t.pairs > 0).sort((a, b) => b.missed - a.missed);
  return { total, byTag };
}

function falseLinks(population: Population, clusterOf: Int32Array, linkPairs: readonly { a: number; b: number; weight: number }[], tagger: PairTagger): ErrorBreakdown['falseLinks'] & { conflicts: number } {
  const { truth, records } = population;
  const direct = zeroKinds();
  const examples: Partial<Record<FalseLinkKind, PairExample[]>> = {};
  let directTotal = 0;
  for (const { a, b, weight } of linkPairs) {
    if (truth[a] === truth[b]) continue;
    directTotal++;
    const kind = tagger.falseKind(a, b);
    direct[kind]++;
    const list = (examples[kind] ??= []);
    if (list.length < EXAMPLES_PER_KIND) list.push({ weight: Math.round(weight * 100) / 100, a: records[a]!, b: records[b]! });
  }
  const inClusters = zeroKinds();
  const { dense, count } = denseIds(clusterOf);
  const { start, order } = groupBy(dense, count);
  let inLargeClusters = 0;
  let largestCluster = 0;
  let conflicts = 0;
  for (let c = 0; c < count; c++) {
    const size = start[c + 1]! - start[c]!;
    largestCluster = Math.max(largestCluster, size);
    if (size < 2) continue;
    const numbers = new Set<string>();
    for (let x = start[c]!; x < start[c + 1]!; x++) {
      const n = records[order[x]!]!.nhsNumber;
      if (n) numbers.add(n);
    }
    if (numbers.size > 1) conflicts++;
    if (size > LIST_LIMIT) {
      const perPerson = new Map<number, number>();
      for (let x = start[c]!; x < start[c + 1]!; x++) perPerson.set(truth[order[x]!]!, (perPerson.get(truth[order[x]!]!) ?? 0) + 1);
      let same = 0;
      for (const n of perPerson.values()) same += (n * (n - 1)) / 2;
      inLargeClusters += (size * (size - 1)) / 2 - same;
      continue;
    }
    for (let x = start[c]!; x < start[c + 1]!; x++) {
      for (let y = x + 1; y < start[c + 1]!; y++) {
        const i = order[x]!;
        const j = order[y]!;
        if (truth[i] !== truth[j]) inClusters[tagger.falseKind(i, j)]++;
      }
    }
  }
  return { direct, directTotal, inClusters, inLargeClusters, largestCluster, examples, conflicts };
}

/** The error breakdown of a de-duplication of a generated population. */
export function errorBreakdown(
  population: Population,
  result: { clusterOf: Int32Array; linkPairs: readonly { a: number; b: number; weight: number }[]; reviewPairs: readonly { a: number; b: number }[] },
): ErrorBreakdown {
  const tagger = new PairTagger(population);
  const { conflicts, ...falseLinkFigures } = falseLinks(population, result.clusterOf, result.linkPairs, tagger);
  const { people, truth, records } = population;
  let twinPairs = 0;
  let twinsLinked = 0;
  const clustersOfPerson = new Map<number, Set<number>>();
  for (let i = 0; i < records.length; i++) {
    const p = truth[i]!;
    if (people.twinOf[p]! < 0) continue;
    let set = clustersOfPerson.get(p);
    if (!set) clustersOfPerson.set(p, (set = new Set()));
    set.add(result.clusterOf[i]!);
  }
  for (const [p, clusters] of clustersOfPerson) {
    const q = people.twinOf[p]!;
    if (q < p || !clustersOfPerson.has(q)) continue;
    twinPairs++;
    if ([...clusters].some((c) => clustersOfPerson.get(q)!.has(c))) twinsLinked++;
  }
  let samePerson = 0;
  for (const { a, b } of result.reviewPairs) if (truth[a] === truth[b]) samePerson++;
  return {
    method: 'Missed: every pair of records of one true person not in one predicted cluster, tagged with every corruption either record '
      + 'carries (houseMove: the two records hold different addresses of the person; noSharedNhsNumber: not both holding the right number; '
      + 'clean: no error but a missing NHS number). missedAlone counts misses where that tag was the only error. False links: link pairs '
      + `between different people ("direct") and every false pair inside predicted clusters of up to ${LIST_LIMIT} records, each put in the `
      + `first matching class of: ${FALSE_LINK_KINDS.join('; ')}. Twins: twin pairs (both present) with any record of each in one cluster.`,
    missed: missedPairs(population, result.clusterOf, tagger),
    falseLinks: falseLinkFigures,
    twins: { pairs: twinPairs, linked: twinsLinked },
    clustersWithConflictingNhsNumbers: conflicts,
    review: { pairs: result.reviewPairs.length, samePerson, differentPeople: result.reviewPairs.length - samePerson },
  };
}

const PATTERN_FIELDS = ['nhsNumber', 'given', 'family', 'birthDate', 'sex', 'postcode', 'email'] as const;

/** `given= family≠ birthDate∅ …`: which fields two records agree on (=), disagree on (≠) or cannot compare (∅). */
function agreement(a: MatchRecord, b: MatchRecord): string {
  return PATTERN_FIELDS.map((f) => {
    const x = a[f];
    const y = b[f];
    return `${f}${x === undefined || y === undefined ? '∅' : x === y ? '=' : '≠'}`;
  }).join(' ');
}

export interface AgreementPatterns {
  method: string;
  /** Missed true pairs by which fields agree, most common first (top 15). */
  missed: { pattern: string; pairs: number }[];
  /** False pairs inside predicted clusters (up to the listing limit) by which fields agree (top 15). */
  falsePairs: { pattern: string; pairs: number }[];
}

function top(counts: Map<string, number>): { pattern: string; pairs: number }[] {
  return [...counts].sort((x, y) => y[1] - x[1]).slice(0, 15).map(([pattern, pairs]) => ({ pattern, pairs }));
}

/** Which fields agree on the pairs a de-duplication got wrong: works on any labelled data (fake_1000 too). */
export function agreementPatterns(records: readonly MatchRecord[], truth: Int32Array, clusterOf: Int32Array): AgreementPatterns {
  const missed = new Map<string, number>();
  const falsePairs = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const byTruth = denseIds(truth);
  const t = groupBy(byTruth.dense, byTruth.count);
  for (let g = 0; g < byTruth.count; g++) {
    if (t.start[g + 1]! - t.start[g]! > LIST_LIMIT) continue;
    for (let x = t.start[g]!; x < t.start[g + 1]!; x++) {
      for (let y = x + 1; y < t.start[g + 1]!; y++) {
        const i = t.order[x]!;
        const j = t.order[y]!;
        if (clusterOf[i] !== clusterOf[j]) bump(missed, agreement(records[i]!, records[j]!));
      }
    }
  }
  const byCluster = denseIds(clusterOf);
  const c = groupBy(byCluster.dense, byCluster.count);
  for (let g = 0; g < byCluster.count; g++) {
    if (c.start[g + 1]! - c.start[g]! > LIST_LIMIT) continue;
    for (let x = c.start[g]!; x < c.start[g + 1]!; x++) {
      for (let y = x + 1; y < c.start[g + 1]!; y++) {
        const i = c.order[x]!;
        const j = c.order[y]!;
        if (truth[i] !== truth[j]) bump(falsePairs, agreement(records[i]!, records[j]!));
      }
    }
  }
  return {
    method: `Each missed or false pair described by whether its records agree exactly (=), differ (≠) or lack a value (∅) on ${PATTERN_FIELDS.join(', ')}; `
      + `clusters over ${LIST_LIMIT} records are left out.`,
    missed: top(missed),
    falsePairs: top(falsePairs),
  };
}
