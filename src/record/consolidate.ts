// Groups clinical items into consolidated entries: one per thing the person has or had, standing
// for every source resource that reported it, with the most recently updated one shown and every
// disagreement between sources kept as a conflict rather than hidden or resolved.
import { CLINICAL_KINDS, normaliseText, type ClinicalItem, type ClinicalKind, type FactElement } from './clinical-item.ts';
import { DEDUPE_RULES, sameItem, type DedupeRule } from './dedupe-rules.ts';
import type { ReportedBy } from './reported-by.ts';

/** One distinct value of a disputed element, and who said it. */
export interface ConflictValue {
  /** The value as the first source to say it wrote it. */
  text: string;
  reportedBy: ReportedBy[];
}

export interface Conflict {
  element: FactElement;
  values: ConflictValue[];
}

export interface ConsolidatedItem {
  kind: ClinicalKind;
  /** The member whose resource is shown: the most recently updated. */
  representative: ClinicalItem;
  /** Every member, oldest report first. */
  members: ClinicalItem[];
  conflicts: Conflict[];
}

type Rules = Readonly<Record<ClinicalKind, DedupeRule>>;

const timeOf = (value: string | undefined) => (value ? Date.parse(value) || 0 : 0);

/** Oldest report first: by when the source says it recorded it, else when it reached us; then by reference. */
function byReport(a: ClinicalItem, b: ClinicalItem): number {
  const at = (i: ClinicalItem) => timeOf(i.reportedBy.recorded ?? i.reportedBy.lastUpdated);
  return at(a) - at(b) || (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0);
}

/** Earliest start first (unknown starts first), then by reference, so grouping never depends on input order. */
function byStart(a: ClinicalItem, b: ClinicalItem): number {
  const s = (i: ClinicalItem) => i.period.start ?? -Infinity;
  return s(a) === s(b) ? (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0) : s(a) < s(b) ? -1 : 1;
}

/**
 * Each item joins the first group (in start order) holding an item it is the same as and nothing
 * from its own source record; otherwise it starts a group.
 */
function group(items: readonly ClinicalItem[], rules: Rules): ClinicalItem[][] {
  const groups: ClinicalItem[][] = [];
  for (const item of [...items].sort(byStart)) {
    const home = groups.find((g) => g.every((m) => m.sourceRecord !== item.sourceRecord) && g.some((m) => sameItem(m, item, rules)));
    if (home) home.push(item);
    else groups.push([item]);
  }
  return groups;
}

function representativeOf(members: readonly ClinicalItem[]): ClinicalItem {
  return members.reduce((best, m) => {
    const diff = timeOf(m.reportedBy.lastUpdated) - timeOf(best.reportedBy.lastUpdated);
    return diff > 0 || (diff === 0 && m.reference > best.reference) ? m : best;
  });
}

/** The elements on which members say different things (values compared case- and punctuation-blind). */
export function conflictsOf(members: readonly ClinicalItem[], elements: readonly FactElement[]): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const element of elements) {
    const values = new Map<string, ConflictValue>();
    for (const m of members) {
      const value = m.facts[element];
      if (value === undefined) continue;
      const key = normaliseText(value);
      const entry = values.get(key) ?? { text: value, reportedBy: [] };
      entry.reportedBy.push(m.reportedBy);
      values.set(key, entry);
    }
    if (values.size > 1) conflicts.push({ element, values: [...values.values()] });
  }
  return conflicts;
}

/** Consolidates items of every kind; entries come out by kind, then latest start first. */
export function consolidate(items: readonly ClinicalItem[], rules: Rules = DEDUPE_RULES): ConsolidatedItem[] {
  const out: ConsolidatedItem[] = [];
  for (const kind of CLINICAL_KINDS) {
    const ofKind = items.filter((i) => i.kind === kind);
    const entries = group(ofKind, rules).map((g) => {
      const members = [...g].sort(byReport);
      return { kind, representative: representativeOf(members), members, conflicts: conflictsOf(members, rules[kind].conflicts) };
    });
    const latest = (e: ConsolidatedItem) => Math.max(...e.members.map((m) => m.period.start ?? -Infinity));
    out.push(...entries.sort((a, b) => latest(b) - latest(a) || (a.representative.reference < b.representative.reference ? -1 : 1)));
  }
  return out;
}
