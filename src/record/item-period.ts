// When a clinical item applied, as one span per resource type: a prescription from its start while
// it is active, a diagnosis from onset to abatement, a vaccination on its day, a stay from admission
// to discharge. The de-duplication rules compare these spans (dedupe-rules.ts).
import type { Condition, Encounter, Immunization, MedicationRequest, MedicationStatement, Period, Resource } from '@medplum/fhirtypes';
import { parseDateRange } from '../fhir/date-range.ts';

/** Epoch milliseconds, end exclusive. `start` absent: not known (open); `end` absent: ongoing or not known (open). */
export interface ItemPeriod {
  start?: number;
  end?: number;
}

/** Statuses under which a prescription, statement or stay with no end date is still going on. */
const ONGOING = new Set(['active', 'on-hold', 'draft', 'intended', 'planned', 'arrived', 'triaged', 'in-progress', 'onleave']);

const low = (value: string | undefined) => (value ? parseDateRange(value)?.low : undefined);
const high = (value: string | undefined) => (value ? parseDateRange(value)?.high : undefined);

/** A dated point (or a span whose end is its start's precision), open-ended when `ongoing`. */
function from(start: string | undefined, end: string | undefined, ongoing: boolean): ItemPeriod {
  const s = low(start);
  const e = end ? high(end) : ongoing ? undefined : high(start);
  return { ...(s !== undefined ? { start: s } : {}), ...(e !== undefined ? { end: e } : {}) };
}

function ofPeriod(period: Period | undefined, ongoing: boolean): ItemPeriod | undefined {
  if (!period?.start && !period?.end) return undefined;
  const s = low(period.start);
  const e = period.end ? high(period.end) : ongoing ? undefined : high(period.start);
  return { ...(s !== undefined ? { start: s } : {}), ...(e !== undefined ? { end: e } : {}) };
}

function medicationRequestPeriod(r: MedicationRequest): ItemPeriod {
  const ongoing = ONGOING.has(r.status ?? '');
  const bounds = r.dosageInstruction?.map((d) => d.timing?.repeat?.boundsPeriod).find((p) => p?.start || p?.end);
  return ofPeriod(bounds, ongoing) ?? ofPeriod(r.dispenseRequest?.validityPeriod, ongoing) ?? from(r.authoredOn, undefined, ongoing);
}

function medicationStatementPeriod(r: MedicationStatement): ItemPeriod {
  // A statement dated by one day says "taking it then"; only a period with no end says "since then".
  const ongoing = ONGOING.has(r.status ?? '');
  return ofPeriod(r.effectivePeriod, ongoing) ?? from(r.effectiveDateTime ?? r.dateAsserted, undefined, false);
}

function conditionPeriod(r: Condition): ItemPeriod {
  const start = r.onsetDateTime ?? r.onsetPeriod?.start;
  const end = r.abatementDateTime ?? r.abatementPeriod?.end ?? r.abatementPeriod?.start;
  // No abatement date: still going on, or ended at a time nobody recorded; either way open.
  const s = low(start);
  const e = high(end);
  return { ...(s !== undefined ? { start: s } : {}), ...(e !== undefined ? { end: e } : {}) };
}

/** The span of a resource of a consolidated kind; an empty object when it carries no usable date. */
export function periodOf(resource: Resource): ItemPeriod {
  switch (resource.resourceType) {
    case 'MedicationRequest': return medicationRequestPeriod(resource);
    case 'MedicationStatement': return medicationStatementPeriod(resource);
    case 'Condition': return conditionPeriod(resource);
    case 'Immunization': return from((resource as Immunization).occurrenceDateTime, undefined, false);
    case 'Encounter': {
      const e = resource as Encounter;
      return ofPeriod(e.period, ONGOING.has(e.status ?? '')) ?? {};
    }
    case 'AllergyIntolerance': return from(resource.onsetDateTime ?? resource.recordedDate, undefined, true);
    default: return {};
  }
}
