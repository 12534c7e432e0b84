// The person's health items in plain words: medicines, allergies, health conditions, visits and
// vaccinations, each named by its text (never its code), with dates in words, current ones first.
import type {
  AllergyIntolerance, Condition, Encounter, Immunization, MedicationRequest, MedicationStatement, Organization, Resource,
} from '@medplum/fhirtypes';
import { dateInWords, periodInWords } from './plain-dates.ts';
import { called, capitalised, displayOf } from './plain-words.ts';

/** One line of the record: what it is, a few words about it, and whether it is current. */
export interface HealthItem {
  key: string;
  what: string;
  details: string[];
  current: boolean;
  /** For sorting, newest first. */
  date?: string;
}

const CURRENT_MEDICINE = new Set(['active', 'intended', 'on-hold', 'draft']);
const CURRENT_CONDITION = new Set(['active', 'recurrence', 'relapse']);
/** Encounter classes (v3-ActCode) as a person would say them. */
const VISIT_KINDS: Record<string, string> = {
  EMER: 'A&E visit',
  IMP: 'Hospital stay',
  ACUTE: 'Hospital stay',
  NONAC: 'Hospital stay',
  SS: 'Day case in hospital',
  AMB: 'Appointment',
  VR: 'Phone or video appointment',
  HH: 'Home visit',
  FLD: 'Visit',
};

const keyOf = (r: Resource): string => `${r.resourceType}/${r.id}`;
const present = (...parts: Array<string | undefined | false>): string[] => parts.filter((p): p is string => !!p);
const newestFirst = (a: HealthItem, b: HealthItem): number => Number(b.current) - Number(a.current) || (b.date ?? '').localeCompare(a.date ?? '');

function medicine(r: MedicationRequest | MedicationStatement): HealthItem {
  const how = r.resourceType === 'MedicationRequest' ? r.dosageInstruction?.[0]?.text : r.dosage?.[0]?.text;
  const date = r.resourceType === 'MedicationRequest' ? r.authoredOn : r.effectiveDateTime ?? r.effectivePeriod?.start ?? r.dateAsserted;
  const current = CURRENT_MEDICINE.has(r.status);
  const started = dateInWords(date);
  return { key: keyOf(r), what: called(r.medicationCodeableConcept) ?? displayOf(r.medicationReference) ?? 'A medicine', details: present(how, started && `${current ? 'Since' : 'Prescribed'} ${started}`), current, ...(date ? { date } : {}) };
}

function allergy(r: AllergyIntolerance): HealthItem {
  const reactions = (r.reaction ?? []).flatMap((x) => x.manifestation.map(called)).filter(Boolean).join(', ');
  const recorded = dateInWords(r.onsetDateTime ?? r.recordedDate);
  const status = r.clinicalStatus?.coding?.[0]?.code;
  return { key: keyOf(r), what: called(r.code) ?? 'An allergy', details: present(reactions && `Reaction: ${reactions}`, recorded && `Recorded ${recorded}`),
    current: status === undefined || status === 'active', ...(r.recordedDate ? { date: r.recordedDate } : {}) };
}

function condition(r: Condition): HealthItem {
  const status = r.clinicalStatus?.coding?.[0]?.code;
  const current = status === undefined || CURRENT_CONDITION.has(status);
  const when = periodInWords(r.onsetDateTime ?? r.onsetPeriod?.start ?? r.recordedDate, current ? undefined : r.abatementDateTime);
  const date = r.onsetDateTime ?? r.recordedDate;
  return { key: keyOf(r), what: called(r.code) ?? 'A health condition', details: present(when && capitalised(when)), current, ...(date ? { date } : {}) };
}

function visit(r: Encounter, organisations: ReadonlyMap<string, Organization>): HealthItem {
  const where = (r.serviceProvider?.reference ? organisations.get(r.serviceProvider.reference)?.name : undefined) ?? displayOf(r.serviceProvider);
  const why = (r.reasonCode ?? []).map(called).filter(Boolean).join(', ');
  const when = periodInWords(r.period?.start, r.period?.end);
  return { key: keyOf(r), what: VISIT_KINDS[r.class?.code ?? ''] ?? called(r.type?.[0]) ?? 'Visit', details: present(where, when && capitalised(when), why && `Because of: ${why}`),
    current: r.status === 'in-progress' || r.status === 'arrived', ...(r.period?.start ? { date: r.period.start } : {}) };
}

function vaccination(r: Immunization): HealthItem {
  const given = dateInWords(r.occurrenceDateTime);
  return { key: keyOf(r), what: called(r.vaccineCode) ?? 'A vaccination', details: present(given && `Given ${given}`), current: false, ...(r.occurrenceDateTime ? { date: r.occurrenceDateTime } : {}) };
}

const notInError = (r: Resource): boolean => (r as { status?: string }).status !== 'entered-in-error'
  && (r as Condition).verificationStatus?.coding?.[0]?.code !== 'entered-in-error' && (r as Condition).verificationStatus?.coding?.[0]?.code !== 'refuted';

export interface HealthItems {
  medicines: HealthItem[];
  allergies: HealthItem[];
  conditions: HealthItem[];
  visits: HealthItem[];
  vaccinations: HealthItem[];
}

/** The person's health items from all their records, sorted current first, then newest first. */
export function healthItems(resources: readonly Resource[], organisations: ReadonlyMap<string, Organization>): HealthItems {
  const shown = resources.filter(notInError);
  const of = <T extends Resource>(...types: Array<T['resourceType']>) => shown.filter((r): r is T => types.includes(r.resourceType));
  return {
    medicines: of<MedicationRequest | MedicationStatement>('MedicationRequest', 'MedicationStatement').map(medicine).sort(newestFirst),
    allergies: of<AllergyIntolerance>('AllergyIntolerance').map(allergy).filter((a) => a.current).sort(newestFirst),
    conditions: of<Condition>('Condition').map(condition).sort(newestFirst),
    visits: of<Encounter>('Encounter').filter((e) => e.status !== 'cancelled').map((e) => visit(e, organisations)).sort(newestFirst),
    vaccinations: of<Immunization>('Immunization').filter((i) => i.status === 'completed').map(vaccination).sort(newestFirst),
  };
}
