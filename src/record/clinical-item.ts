// A normalised view of one source resource of a kind the consolidated record de-duplicates
// (medications, allergies, conditions, immunisations, encounters): its codes, text, span, the
// facts sources may disagree on, and who reported it. The rules compare these, never raw FHIR.
import type { CodeableConcept, Coding, MedicationRequest, MedicationStatement, Reference, Resource } from '@medplum/fhirtypes';
import { DMD_SYSTEM, SNOMED_SYSTEM } from '../fhir/systems.ts';
import { periodOf, type ItemPeriod } from './item-period.ts';
import { referenceOf, reportedByOf, type ReportedBy } from './reported-by.ts';

/** The kinds the consolidated record de-duplicates, in the order its entries come. */
export const CLINICAL_KINDS = ['allergy', 'medication', 'condition', 'immunisation', 'encounter'] as const;
export type ClinicalKind = (typeof CLINICAL_KINDS)[number];

/** The resource types each kind is made of. */
export const KIND_TYPES: Readonly<Record<ClinicalKind, readonly string[]>> = {
  allergy: ['AllergyIntolerance'],
  medication: ['MedicationRequest', 'MedicationStatement'],
  condition: ['Condition'],
  immunisation: ['Immunization'],
  encounter: ['Encounter'],
};

const KIND_OF = new Map(Object.entries(KIND_TYPES).flatMap(([kind, types]) => types.map((t) => [t, kind as ClinicalKind] as const)));

/** The consolidated kind a resource type belongs to, if any. */
export function kindOf(resourceType: string): ClinicalKind | undefined {
  return KIND_OF.get(resourceType);
}

/** Elements sources may disagree on while still reporting one item. */
export type FactElement = 'dosage' | 'clinicalStatus' | 'criticality' | 'status';

/** One source resource as the de-duplication rules see it. */
export interface ClinicalItem {
  kind: ClinicalKind;
  resource: Resource;
  /** `Type/id`. */
  reference: string;
  /** Every coding as `system|code`, SNOMED CT and dm+d first (for an encounter: its types). */
  codes: string[];
  /** Display text: the concept's text, else its first coding's display. */
  text?: string;
  period: ItemPeriod;
  /** Encounter class code (v3 ActCode: IMP, EMER, AMB…). */
  classCode?: string;
  /** Values of the elements sources may disagree on, as the source wrote them. */
  facts: Partial<Record<FactElement, string>>;
  reportedBy: ReportedBy;
  /** One source's one record of the person (`meta.source` and the subject): its items are never merged with each other. */
  sourceRecord: string;
  /** Marked entered-in-error by its source: shown alone, never merged. */
  enteredInError: boolean;
}

const PREFERRED_SYSTEMS = [SNOMED_SYSTEM, DMD_SYSTEM];

/** `system|code` of each coding with both, preferred systems first. */
export function codesOf(concepts: ReadonlyArray<CodeableConcept | undefined>): string[] {
  const codings = concepts.flatMap((c) => c?.coding ?? []).filter((c): c is Coding & { system: string; code: string } => !!c.system && !!c.code);
  const rank = (c: Coding) => {
    const i = PREFERRED_SYSTEMS.indexOf(c.system!);
    return i < 0 ? PREFERRED_SYSTEMS.length : i;
  };
  return [...new Set([...codings].sort((a, b) => rank(a) - rank(b)).map((c) => `${c.system}|${c.code}`))];
}

function textOf(concept: CodeableConcept | undefined): string | undefined {
  return concept?.text ?? concept?.coding?.find((c) => c.display)?.display;
}

/** Lower-case words and digits only: "Amlodipine 5mg Tablets." and "amlodipine 5mg tablets" are one text. */
export function normaliseText(text: string | undefined): string {
  return (text ?? '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** The medicine of a prescription or statement: its concept, or a contained Medication's code. */
function medicineOf(r: MedicationRequest | MedicationStatement): { concept?: CodeableConcept; display?: string } {
  if (r.medicationCodeableConcept) return { concept: r.medicationCodeableConcept };
  const ref: Reference | undefined = r.medicationReference;
  const contained = ref?.reference?.startsWith('#')
    ? r.contained?.find((c) => c.resourceType === 'Medication' && `#${c.id}` === ref.reference)
    : undefined;
  const concept = contained && 'code' in contained ? (contained.code as CodeableConcept | undefined) : undefined;
  return { ...(concept ? { concept } : {}), ...(ref?.display ? { display: ref.display } : {}) };
}

function doseText(r: MedicationRequest | MedicationStatement): string | undefined {
  const dosages = r.resourceType === 'MedicationRequest' ? r.dosageInstruction : r.dosage;
  const texts = (dosages ?? []).map((d) => d.text ?? d.patientInstruction).filter((t): t is string => !!t?.trim());
  return texts.length > 0 ? texts.join('; ') : undefined;
}

const statusCode = (concept: CodeableConcept | undefined) => concept?.coding?.find((c) => c.code)?.code;

interface Described {
  concepts: ReadonlyArray<CodeableConcept | undefined>;
  text: string | undefined;
  facts: ClinicalItem['facts'];
  classCode?: string | undefined;
}

/** The facts that were given (a source that says nothing about an element does not disagree). */
function facts(values: Partial<Record<FactElement, string | undefined>>): ClinicalItem['facts'] {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v.trim() !== ''));
}

function describe(resource: Resource): Described {
  switch (resource.resourceType) {
    case 'MedicationRequest':
    case 'MedicationStatement': {
      const { concept, display } = medicineOf(resource);
      return { concepts: [concept], text: textOf(concept) ?? display, facts: facts({ dosage: doseText(resource) }) };
    }
    case 'AllergyIntolerance':
      return { concepts: [resource.code], text: textOf(resource.code),
        facts: facts({ clinicalStatus: statusCode(resource.clinicalStatus), criticality: resource.criticality }) };
    case 'Condition':
      return { concepts: [resource.code], text: textOf(resource.code), facts: facts({ clinicalStatus: statusCode(resource.clinicalStatus) }) };
    case 'Immunization':
      return { concepts: [resource.vaccineCode], text: textOf(resource.vaccineCode), facts: facts({ status: resource.status }) };
    case 'Encounter':
      return { concepts: resource.type ?? [], text: textOf(resource.type?.[0]) ?? resource.class?.display, classCode: resource.class?.code,
        facts: facts({ status: resource.status }) };
    default:
      return { concepts: [], text: undefined, facts: {} };
  }
}

function isEnteredInError(resource: Resource): boolean {
  const r = resource as { status?: string; verificationStatus?: CodeableConcept };
  return r.status === 'entered-in-error' || statusCode(r.verificationStatus) === 'entered-in-error';
}

/** The person record a resource is about (`subject` or `patient`), as written. */
function subjectOf(resource: Resource): string {
  const about = resource as { subject?: Reference; patient?: Reference };
  return about.subject?.reference ?? about.patient?.reference ?? '';
}

/** The clinical item a resource stands for, or undefined when its type is not one the record consolidates. */
export function toClinicalItem(resource: Resource): ClinicalItem | undefined {
  const kind = kindOf(resource.resourceType);
  if (!kind) return undefined;
  const d = describe(resource);
  return {
    kind,
    resource,
    reference: referenceOf(resource),
    codes: codesOf(d.concepts),
    ...(d.text ? { text: d.text } : {}),
    period: periodOf(resource),
    ...(d.classCode ? { classCode: d.classCode } : {}),
    facts: d.facts,
    reportedBy: reportedByOf(resource),
    sourceRecord: `${resource.meta?.source ?? ''} ${subjectOf(resource)}`,
    enteredInError: isEnteredInError(resource),
  };
}
