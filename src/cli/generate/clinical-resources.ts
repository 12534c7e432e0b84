// Builders for single clinical resources (Encounter, Condition, Observation, MedicationRequest,
// MedicationStatement, Immunization, AllergyIntolerance) added to a person's bundle with the required
// R4 elements filled in; the history logic in clinical.ts decides what to record and when.
import type {
  AllergyIntolerance,
  CodeableConcept,
  Condition,
  Encounter,
  MedicationRequest,
  Observation,
  Patient,
  Quantity,
  Reference,
} from '@medplum/fhirtypes';
import { DMD_SYSTEM, LOINC_SYSTEM, SNOMED_SYSTEM, UCUM_SYSTEM, V3_ACT_CODE_SYSTEM } from '../../fhir/systems.ts';
import type { Code, Measure, MedicationKey, Vaccine } from './clinical-codes.ts';
import { BLOOD_PRESSURE, MEDICATIONS, REACTIONS, type Allergen } from './clinical-codes.ts';
import { isoDateTime } from './dates.ts';
import type { StaffMember } from './organisations.ts';
import type { Person } from './person.ts';
import { sharedReference, type PersonBundle } from './person-bundle.ts';
import type { Random } from './random.ts';
import { sourceMeta } from './source-systems.ts';

const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const CONDITION_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const CONDITION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/condition-category';
const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const COURSE_OF_THERAPY = 'http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy';
const ALLERGY_CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
const ALLERGY_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
const DISCHARGE_DESTINATION = 'https://fhir.hl7.org.uk/CodeSystem/UKCore-DischargeDestinationEngland';
const ADMISSION_METHOD_EXTENSION = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-AdmissionMethod';
const ADMISSION_METHOD = 'https://fhir.hl7.org.uk/CodeSystem/UKCore-AdmissionMethodEngland';

/** Everything a builder needs to know about the record being written. */
export interface RecordContext {
  readonly random: Random;
  /** A stream for choices added after the record's shape was settled, so they never shift `random`'s draws. */
  readonly variation: Random;
  readonly person: Person;
  readonly bundle: PersonBundle;
  readonly patient: Reference<Patient>;
}

/** Where and by whom something was recorded: the GP practice or the local trust. */
export interface Recorder {
  readonly source: string;
  readonly organizationId: string;
  readonly clinician: StaffMember;
}

export function gpRecorder(context: RecordContext): Recorder {
  const practice = context.person.practice;
  return { source: practice.source, organizationId: practice.id, clinician: context.random.pick(practice.gps) };
}

export function hospitalRecorder(context: RecordContext): Recorder {
  const trust = context.person.area.trust;
  return { source: trust.source, organizationId: trust.id, clinician: context.random.pick(trust.clinicians) };
}

export function snomed(code: Code, text?: string): CodeableConcept {
  return { coding: [{ system: SNOMED_SYSTEM, code: code.code, display: code.display }], ...(text ? { text } : {}) };
}

function practitionerReference(recorder: Recorder) {
  return sharedReference('Practitioner', recorder.clinician.practitionerId, recorder.clinician.display);
}

const ENCOUNTER_CLASSES = {
  AMB: 'ambulatory',
  EMER: 'emergency',
  IMP: 'inpatient encounter',
  HH: 'home health',
  VR: 'virtual',
} as const;
export type EncounterClass = keyof typeof ENCOUNTER_CLASSES;

export interface EncounterSpec {
  readonly recorder: Recorder;
  readonly classCode: EncounterClass;
  readonly type: Code;
  readonly start: number;
  readonly days?: number;
  readonly reason?: Code;
  readonly discharge?: { readonly code: string; readonly text: string };
}

/** A finished encounter; inpatient stays carry UK Core admission method and discharge destination. */
export function addEncounter(context: RecordContext, spec: EncounterSpec): Reference<Encounter> {
  const startMinute = context.random.int(8 * 60, 18 * 60);
  const endDay = spec.start + (spec.days ?? 0);
  const endMinute = spec.days ? context.random.int(9 * 60, 17 * 60) : startMinute + context.random.int(10, spec.classCode === 'EMER' ? 360 : 30);
  const encounter: Encounter = {
    resourceType: 'Encounter',
    meta: sourceMeta(spec.recorder.source),
    status: 'finished',
    class: { system: V3_ACT_CODE_SYSTEM, code: spec.classCode, display: ENCOUNTER_CLASSES[spec.classCode] },
    type: [snomed(spec.type)],
    subject: context.patient,
    participant: [{ individual: practitionerReference(spec.recorder) }],
    period: { start: isoDateTime(spec.start, startMinute), end: isoDateTime(endDay, endMinute) },
    ...(spec.reason ? { reasonCode: [snomed(spec.reason)] } : {}),
    ...(spec.classCode === 'IMP' ? { hospitalization: {
      extension: [{ url: ADMISSION_METHOD_EXTENSION, valueCodeableConcept: { coding: [{ system: ADMISSION_METHOD, code: '21' }], text: 'Emergency admission via emergency department' } }],
      dischargeDisposition: { coding: [{ system: DISCHARGE_DESTINATION, code: spec.discharge?.code ?? '19' }], text: spec.discharge?.text ?? 'Usual place of residence' },
    } } : {}),
    serviceProvider: sharedReference('Organization', spec.recorder.organizationId),
  };
  return context.bundle.add(encounter);
}

export interface ConditionSpec {
  readonly recorder: Recorder;
  readonly code: Code;
  readonly onset: number;
  readonly abatement?: number;
  readonly encounter?: Reference<Encounter>;
}

/** A problem-list entry (long-term) or an encounter diagnosis (resolved when abated). */
export function addCondition(context: RecordContext, spec: ConditionSpec): Reference<Condition> {
  const resolved = spec.abatement !== undefined;
  return context.bundle.add<Condition>({
    resourceType: 'Condition',
    meta: sourceMeta(spec.recorder.source),
    clinicalStatus: { coding: [{ system: CONDITION_CLINICAL, code: resolved ? 'resolved' : 'active' }] },
    verificationStatus: { coding: [{ system: CONDITION_VERIFICATION, code: 'confirmed' }] },
    category: [{ coding: [{ system: CONDITION_CATEGORY, code: spec.encounter ? 'encounter-diagnosis' : 'problem-list-item' }] }],
    code: snomed(spec.code),
    subject: context.patient,
    ...(spec.encounter ? { encounter: spec.encounter } : {}),
    onsetDateTime: isoDateTime(spec.onset, context.random.int(480, 1080)),
    ...(resolved ? { abatementDateTime: isoDateTime(spec.abatement, 720) } : {}),
    recordedDate: isoDateTime(spec.onset, 1100),
    recorder: practitionerReference(spec.recorder),
  }, spec.code.display);
}

function quantity(random: Random, measure: Measure, shift = 0): Quantity {
  const raw = random.normal(measure.mean + shift, measure.sd, measure.min, measure.max);
  const factor = 10 ** measure.decimals;
  return { value: Math.round(raw * factor) / factor, unit: measure.unit, system: UCUM_SYSTEM, code: measure.unit };
}

function observationBase(context: RecordContext, recorder: Recorder, category: 'vital-signs' | 'laboratory', day: number,
  encounter?: Reference<Encounter>): Omit<Observation, 'code'> {
  return {
    resourceType: 'Observation',
    meta: sourceMeta(recorder.source),
    status: 'final',
    category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: category, display: category === 'laboratory' ? 'Laboratory' : 'Vital Signs' }] }],
    subject: context.patient,
    ...(encounter ? { encounter } : {}),
    effectiveDateTime: isoDateTime(day, context.random.int(480, 1080)),
    issued: isoDateTime(day, 1140),
    performer: [sharedReference('Organization', recorder.organizationId)],
  };
}

/** A single-value vital sign or lab result with a UCUM quantity; `shift` moves the mean (e.g. poor control). */
export function addMeasurement(context: RecordContext, recorder: Recorder, measure: Measure, category: 'vital-signs' | 'laboratory',
  day: number, encounter?: Reference<Encounter>, shift = 0): void {
  context.bundle.add<Observation>({
    ...observationBase(context, recorder, category, day, encounter),
    code: { coding: [{ system: LOINC_SYSTEM, code: measure.loinc, display: measure.display }] },
    valueQuantity: quantity(context.random, measure, shift),
  });
}

/** A blood pressure panel with systolic and diastolic components. */
export function addBloodPressure(context: RecordContext, recorder: Recorder, day: number, encounter?: Reference<Encounter>, shift = 0): void {
  const { panel, systolic, diastolic } = BLOOD_PRESSURE;
  context.bundle.add<Observation>({
    ...observationBase(context, recorder, 'vital-signs', day, encounter),
    code: { coding: [{ system: LOINC_SYSTEM, code: panel.loinc, display: panel.display }], text: 'Blood pressure' },
    component: [systolic, diastolic].map((measure) => ({
      code: { coding: [{ system: LOINC_SYSTEM, code: measure.loinc, display: measure.display }] },
      valueQuantity: quantity(context.random, measure, shift),
    })),
  });
}

function medicationConcept(key: MedicationKey): CodeableConcept {
  const medication = MEDICATIONS[key];
  return { coding: [{ system: DMD_SYSTEM, code: medication.code, display: medication.display }], text: medication.display };
}

export interface PrescriptionSpec {
  readonly recorder: Recorder;
  readonly medication: MedicationKey;
  readonly day: number;
  readonly course: 'continuous' | 'acute';
  readonly status: 'active' | 'completed' | 'stopped';
  readonly reason?: Reference<Condition>;
  readonly encounter?: Reference<Encounter>;
}

/** A GP prescription: a repeat template for long-term medicines or an acute issue. */
export function addPrescription(context: RecordContext, spec: PrescriptionSpec): void {
  context.bundle.add<MedicationRequest>({
    resourceType: 'MedicationRequest',
    meta: sourceMeta(spec.recorder.source),
    status: spec.status,
    intent: 'order',
    courseOfTherapyType: { coding: [{ system: COURSE_OF_THERAPY, code: spec.course,
      display: spec.course === 'acute' ? 'Short course (acute) therapy' : 'Continuous long term therapy' }] },
    medicationCodeableConcept: medicationConcept(spec.medication),
    subject: context.patient,
    ...(spec.encounter ? { encounter: spec.encounter } : {}),
    authoredOn: isoDateTime(spec.day, context.random.int(480, 1080)),
    requester: practitionerReference(spec.recorder),
    ...(spec.reason ? { reasonReference: [spec.reason] } : {}),
    dosageInstruction: [{ text: MEDICATIONS[spec.medication].dose }],
  });
}

/** Medicines a hospital recorded the person as taking (on admission, or on a discharge summary); `dose` when it differs from the usual. */
export function addMedicationStatement(context: RecordContext, recorder: Recorder, medication: MedicationKey, day: number,
  encounter: Reference<Encounter>, dose: string = MEDICATIONS[medication].dose): void {
  context.bundle.add({
    resourceType: 'MedicationStatement',
    meta: sourceMeta(recorder.source),
    status: 'active',
    medicationCodeableConcept: medicationConcept(medication),
    subject: context.patient,
    context: encounter,
    effectiveDateTime: isoDateTime(day, 600),
    dateAsserted: isoDateTime(day, 660),
    informationSource: sharedReference('Organization', recorder.organizationId),
    dosage: [{ text: dose }],
  });
}

export function addImmunization(context: RecordContext, recorder: Recorder, vaccine: Vaccine, day: number, dose?: number): void {
  const { random } = context;
  context.bundle.add({
    resourceType: 'Immunization',
    meta: sourceMeta(recorder.source),
    status: 'completed',
    vaccineCode: snomed(vaccine, vaccine.text),
    patient: context.patient,
    occurrenceDateTime: isoDateTime(day, random.int(540, 1020)),
    recorded: isoDateTime(day, 1050),
    primarySource: true,
    lotNumber: `${String.fromCharCode(65 + random.int(0, 25), 65 + random.int(0, 25))}${random.int(1000, 9999)}`,
    performer: [{ actor: sharedReference('Organization', recorder.organizationId) }],
    ...(dose ? { protocolApplied: [{ doseNumberPositiveInt: dose }] } : {}),
  });
}

/** A GP's allergy record; returned so a hospital can record the same allergy later. */
export function addAllergy(context: RecordContext, recorder: Recorder, allergen: Allergen, day: number): AllergyIntolerance {
  const { random } = context;
  const severe = random.chance(0.1);
  const reaction = severe ? REACTIONS[4] : random.pick(REACTIONS.slice(0, 4));
  const allergy: AllergyIntolerance = {
    resourceType: 'AllergyIntolerance',
    meta: sourceMeta(recorder.source),
    clinicalStatus: { coding: [{ system: ALLERGY_CLINICAL, code: 'active' }] },
    verificationStatus: { coding: [{ system: ALLERGY_VERIFICATION, code: 'confirmed' }] },
    type: allergen.category === 'medication' && random.chance(0.2) ? 'intolerance' : 'allergy',
    category: [allergen.category],
    criticality: severe ? 'high' : 'low',
    code: snomed(allergen),
    patient: context.patient,
    recordedDate: isoDateTime(day, random.int(540, 1020)),
    recorder: practitionerReference(recorder),
    reaction: [{ manifestation: [snomed(reaction)], severity: severe ? 'severe' : random.chance(0.7) ? 'mild' : 'moderate' }],
  };
  context.bundle.add(allergy);
  return allergy;
}

/** The same allergy as the hospital records it when it asks on admission: the substance and reaction as known, its own date and clinician. */
export function addKnownAllergy(context: RecordContext, recorder: Recorder, known: AllergyIntolerance, day: number, encounter: Reference<Encounter>): void {
  const { clinicalStatus, verificationStatus, type, category, criticality, code, reaction } = known;
  context.bundle.add<AllergyIntolerance>({
    resourceType: 'AllergyIntolerance',
    meta: sourceMeta(recorder.source),
    ...(clinicalStatus ? { clinicalStatus } : {}),
    ...(verificationStatus ? { verificationStatus } : {}),
    ...(type ? { type } : {}),
    ...(category ? { category } : {}),
    ...(criticality ? { criticality } : {}),
    ...(code ? { code } : {}),
    patient: context.patient,
    encounter,
    recordedDate: isoDateTime(day, 660),
    recorder: practitionerReference(recorder),
    ...(reaction ? { reaction } : {}),
  });
}
