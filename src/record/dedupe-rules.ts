// When two source resources are one clinical item, kind by kind. The rules are data (read by
// `sameItem` and documented in docs/record/README.md); a rule never merges two resources of one
// source record, never merges a resource marked entered-in-error, and never merges on missing codes.
import { normaliseText, type ClinicalItem, type ClinicalKind, type FactElement } from './clinical-item.ts';
import type { ItemPeriod } from './item-period.ts';

export interface DedupeRule {
  kind: ClinicalKind;
  /** What must be the same: a shared code; a shared code or the same normalised text; the encounter class and a compatible type. */
  identity: 'code' | 'code-or-text' | 'class-and-type';
  /**
   * How dates count: `ignored` (an allergy is for life); `open` (an unknown start or end is open, so
   * overlaps); `required` (both must be dated, or they are not merged).
   */
  dates: 'ignored' | 'open' | 'required';
  /** Spans this many days apart still count as overlapping. */
  toleranceDays: number;
  /** Compare calendar days (UTC) rather than instants. */
  wholeDays: boolean;
  /** Elements on which members may disagree: kept, and shown as conflicts, never a reason to split. */
  conflicts: readonly FactElement[];
  /** The rule in words, for the docs and the viewer. */
  description: string;
}

export const DEDUPE_RULES: Readonly<Record<ClinicalKind, DedupeRule>> = {
  medication: {
    kind: 'medication', identity: 'code-or-text', dates: 'open', toleranceDays: 28, wholeDays: true, conflicts: ['dosage'],
    description: 'MedicationRequest and MedicationStatement of the same medicine code (or, without a shared code, the same normalised name) whose spans overlap or come within 28 days; a different dose is a conflict',
  },
  allergy: {
    kind: 'allergy', identity: 'code', dates: 'ignored', toleranceDays: 0, wholeDays: true, conflicts: ['clinicalStatus', 'criticality'],
    description: 'AllergyIntolerance of the same substance code, whenever recorded; clinical status and criticality may conflict',
  },
  condition: {
    kind: 'condition', identity: 'code', dates: 'open', toleranceDays: 0, wholeDays: true, conflicts: ['clinicalStatus'],
    description: 'Condition of the same code whose onset–abatement spans overlap (an unknown onset or abatement is open); clinical status may conflict',
  },
  immunisation: {
    kind: 'immunisation', identity: 'code', dates: 'required', toleranceDays: 1, wholeDays: true, conflicts: ['status'],
    description: 'Immunization of the same vaccine code on the same day, ±1 day; both must be dated',
  },
  encounter: {
    kind: 'encounter', identity: 'class-and-type', dates: 'required', toleranceDays: 0, wholeDays: false, conflicts: ['status'],
    description: 'Encounter of the same class (and a shared type code when both give one) whose periods overlap; both must be dated',
  },
};

const DAY_MS = 86_400_000;

function span(period: ItemPeriod, wholeDays: boolean): { start: number; end: number } {
  const start = period.start ?? -Infinity;
  const end = period.end ?? Infinity;
  if (!wholeDays) return { start, end };
  return { start: Math.floor(start / DAY_MS) * DAY_MS, end: Math.ceil(end / DAY_MS) * DAY_MS };
}

/** Whether two spans (end exclusive) overlap, or miss each other by less than `toleranceDays`. */
export function spansOverlap(a: ItemPeriod, b: ItemPeriod, toleranceDays: number, wholeDays: boolean): boolean {
  const x = span(a, wholeDays);
  const y = span(b, wholeDays);
  const tolerance = toleranceDays * DAY_MS;
  return x.start < y.end + tolerance && y.start < x.end + tolerance;
}

const sharesCode = (a: ClinicalItem, b: ClinicalItem) => a.codes.some((c) => b.codes.includes(c));

function sameThing(rule: DedupeRule, a: ClinicalItem, b: ClinicalItem): boolean {
  switch (rule.identity) {
    case 'code':
      return sharesCode(a, b);
    case 'code-or-text': {
      if (sharesCode(a, b)) return true;
      const text = normaliseText(a.text);
      return text !== '' && text === normaliseText(b.text);
    }
    case 'class-and-type':
      return !!a.classCode && a.classCode === b.classCode && (a.codes.length === 0 || b.codes.length === 0 || sharesCode(a, b));
  }
}

function sameTime(rule: DedupeRule, a: ClinicalItem, b: ClinicalItem): boolean {
  if (rule.dates === 'ignored') return true;
  if (rule.dates === 'required' && (a.period.start === undefined || b.period.start === undefined)) return false;
  return spansOverlap(a.period, b.period, rule.toleranceDays, rule.wholeDays);
}

/**
 * Whether two items are one under their kind's rule. Items of one source record are never one
 * (a source's own list is its business: two prescriptions there are two), nor are items marked
 * entered-in-error.
 */
export function sameItem(a: ClinicalItem, b: ClinicalItem, rules: Readonly<Record<ClinicalKind, DedupeRule>> = DEDUPE_RULES): boolean {
  if (a.kind !== b.kind || a.sourceRecord === b.sourceRecord || a.enteredInError || b.enteredInError) return false;
  const rule = rules[a.kind];
  return sameThing(rule, a, b) && sameTime(rule, a, b);
}
