// A person's health history over the years before the "as of" date: long-term conditions with repeat
// medicines and annual reviews, acute illnesses seen by the GP, the emergency department or as admissions,
// allergies, and the UK immunisation schedule. Heavy people get a long, busy record (~300 resources).
import type { AllergyIntolerance, Encounter, Reference } from '@medplum/fhirtypes';
import {
  ACUTE_PROBLEMS,
  ALLERGENS,
  CHILDHOOD_SCHEDULE,
  CHRONIC_CONDITIONS,
  DOSES_ON_ADMISSION,
  LABS,
  VACCINES,
  VITALS,
  type AcuteProblem,
  type ChronicCondition,
  type LabKey,
  type MedicationKey,
} from './clinical-codes.ts';
import {
  addAllergy,
  addBloodPressure,
  addCondition,
  addEncounter,
  addImmunization,
  addKnownAllergy,
  addMeasurement,
  addMedicationStatement,
  addPrescription,
  gpRecorder,
  hospitalRecorder,
  type RecordContext,
  type Recorder,
} from './clinical-resources.ts';
import { addYears, dayOf, yearOf } from './dates.ts';

const ENCOUNTER_TYPES = {
  consultation: { code: '11429006', display: 'Consultation' },
  telephone: { code: '185317003', display: 'Telephone encounter' },
  review: { code: '390906007', display: 'Follow-up encounter' },
  checkUp: { code: '185349003', display: 'Encounter for check up' },
  wellChild: { code: '410620009', display: 'Well child visit' },
  emergency: { code: '4525004', display: 'Emergency department patient visit' },
  admission: { code: '183452005', display: 'Emergency hospital admission' },
  homeVisit: { code: '439708006', display: 'Home visit' },
} as const;

const CARDIOMETABOLIC = new Set(['38341003', '44054006', '84114007', '53741008', '230690007', '709044004', '49436004']);
const HEAVY_TARGET = 300;

type AgeBand = 0 | 1 | 2;

function ageBand(age: number): AgeBand {
  return age < 18 ? 0 : age < 65 ? 1 : 2;
}

function historyStartOf(context: RecordContext): number {
  const { person } = context;
  return Math.max(person.birthDay, addYears(person.endDay, person.heavy ? -10 : -8));
}

/** A long-term medicine the GP prescribes on repeat, from the day it started until the day it stopped (if it did). */
interface Repeat {
  readonly medication: MedicationKey;
  readonly started: number;
  readonly until?: number;
}

/** A hospital admission: who recorded it, on which day, as which Encounter. */
interface Admission {
  readonly recorder: Recorder;
  readonly day: number;
  readonly encounter: Reference<Encounter>;
}

/** Writes the person's clinical history into their bundle and returns their long-term conditions. */
export function addClinicalRecord(context: RecordContext): ChronicCondition[] {
  const { person, random } = context;
  const historyStart = historyStartOf(context);
  const conditions = chronicConditions(context);
  const repeats = conditions.flatMap((condition) => addChronicCondition(context, condition, historyStart));
  addAnnualReviews(context, conditions, historyStart);
  const admissions = addAcuteEpisodes(context, historyStart, conditions, repeats);
  const allergies = addAllergies(context, historyStart);
  addAllergiesOnAdmission(context, admissions, allergies);
  addImmunizations(context, historyStart);
  if (person.age >= 18 && random.chance(0.5)) addHealthCheck(context, historyStart);
  return conditions;
}

function chronicConditions(context: RecordContext): ChronicCondition[] {
  const { person, random } = context;
  const band = ageBand(person.age);
  // Over-85s and heavy people carry more long-term conditions (multimorbidity).
  const boost = person.heavy ? 1.4 : person.age >= 85 ? 1.3 : 1;
  return CHRONIC_CONDITIONS.filter((c) => (!c.sex || c.sex === person.sex) && random.chance(Math.min(0.9, c.prevalence[band] * boost)));
}

function dayBetween(context: RecordContext, from: number, to: number): number {
  return to <= from ? from : context.random.int(from, to);
}

/** Keeps a day within the person's life and before the "as of" day. */
function withinRecord(context: RecordContext, day: number): number {
  return Math.min(Math.max(day, context.person.birthDay), context.person.endDay);
}

function addChronicCondition(context: RecordContext, condition: ChronicCondition, historyStart: number): Repeat[] {
  const { person, random } = context;
  const earliest = Math.max(addYears(person.birthDay, person.age < 18 ? 1 : 18), historyStart - 3650);
  const onset = withinRecord(context, dayBetween(context, Math.min(earliest, person.endDay - 30), person.endDay - 30));
  const recorder = gpRecorder(context);
  const reference = addCondition(context, { recorder, code: condition, onset });
  const medicines = condition.medications.filter((_, i) => i === 0 || random.chance(0.5));
  return medicines.map((medication) => {
    const started = dayBetween(context, Math.max(onset, historyStart), person.endDay - 7);
    const stopped = person.deathDay !== undefined || random.chance(0.1);
    addPrescription(context, { recorder, medication, day: started, course: 'continuous', status: stopped ? 'stopped' : 'active', reason: reference });
    // Stopped at death, or at a time the record does not say: then taken as stopped once started.
    return { medication, started, ...(stopped ? { until: person.deathDay ?? started } : {}) };
  });
}

/** One review a year covering every long-term condition's monitoring, as UK GP practices do. */
function addAnnualReviews(context: RecordContext, conditions: readonly ChronicCondition[], historyStart: number): void {
  const { person, random } = context;
  const labs = new Set<LabKey>(conditions.flatMap((c) => c.monitoring));
  const needsBloodPressure = conditions.some((c) => CARDIOMETABOLIC.has(c.code));
  if (labs.size === 0 && !needsBloodPressure) return;
  const poorControl = random.chance(0.3);
  for (let year = yearOf(historyStart) + 1; year <= yearOf(person.endDay); year++) {
    if (!random.chance(person.heavy ? 0.95 : 0.6)) continue;
    const day = dayOf(`${year}-01-01`) + random.int(0, 364);
    if (day >= person.endDay) continue;
    const recorder = gpRecorder(context);
    const encounter = addEncounter(context, { recorder, classCode: 'AMB', type: ENCOUNTER_TYPES.review, start: day });
    if (needsBloodPressure) addBloodPressure(context, recorder, day, encounter, poorControl ? 12 : 0);
    for (const lab of labs) addMeasurement(context, recorder, LABS[lab], 'laboratory', day, encounter, lab === 'hba1c' && poorControl ? 15 : 0);
  }
}

function acuteRatePerYear(age: number): number {
  if (age < 5) return 2.2;
  if (age < 18) return 0.7;
  if (age < 65) return 0.6;
  return age < 80 ? 1 : 1.4;
}

/** Acute illnesses over the years; returns the hospital admissions among them. */
function addAcuteEpisodes(context: RecordContext, historyStart: number, conditions: readonly ChronicCondition[], repeats: readonly Repeat[]): Admission[] {
  const { person, random } = context;
  const years = (person.endDay - historyStart) / 365.25;
  const count = random.poisson(acuteRatePerYear(person.age) * years);
  const band = ageBand(person.age);
  const weighted = ACUTE_PROBLEMS.filter((p) => p.weight[band] > 0).map((p) => ({ value: p, weight: p.weight[band] }));
  const hasCopd = conditions.some((c) => c.code === '13645005');
  const admissions: Admission[] = [];
  for (let i = 0; i < count; i++) {
    let problem = random.weighted(weighted);
    if (problem.code === '195951007' && !hasCopd) problem = ACUTE_PROBLEMS[0];
    const admission = addAcuteEpisode(context, problem, dayBetween(context, historyStart, person.endDay - 1), repeats);
    if (admission) admissions.push(admission);
  }
  return admissions;
}

function addAcuteEpisode(context: RecordContext, problem: AcuteProblem, day: number, repeats: readonly Repeat[]): Admission | undefined {
  const { person, random } = context;
  const medication = person.age < 12 && problem.childMedication ? problem.childMedication : problem.medication;
  if (problem.setting === 'gp') {
    const recorder = gpRecorder(context);
    const telephone = random.chance(0.3);
    const encounter = addEncounter(context, { recorder, classCode: telephone ? 'VR' : 'AMB',
      type: telephone ? ENCOUNTER_TYPES.telephone : ENCOUNTER_TYPES.consultation, start: day, reason: problem });
    const condition = addCondition(context, { recorder, code: problem, onset: withinRecord(context, day - random.int(0, 5)),
      abatement: withinRecord(context, day + random.int(5, 21)), encounter });
    if (!telephone && random.chance(0.6)) {
      addMeasurement(context, recorder, VITALS.temperature, 'vital-signs', day, encounter, 0.6);
      addMeasurement(context, recorder, VITALS.heartRate, 'vital-signs', day, encounter, 8);
    }
    if (medication && random.chance(0.8)) {
      addPrescription(context, { recorder, medication, day, course: 'acute', status: 'completed', reason: condition, encounter });
    }
    return undefined;
  }
  const recorder = hospitalRecorder(context);
  const admitted = problem.setting === 'admission';
  const days = admitted ? Math.min(random.int(2, person.age >= 80 ? 21 : 9), person.endDay - day) : 0;
  const encounter = addEncounter(context, { recorder, classCode: admitted ? 'IMP' : 'EMER',
    type: admitted ? ENCOUNTER_TYPES.admission : ENCOUNTER_TYPES.emergency, start: day, days, reason: problem,
    ...(admitted && person.age >= 80 && random.chance(0.2) ? { discharge: { code: '85', text: 'Non-NHS run care home' } } : {}) });
  addCondition(context, { recorder, code: problem, onset: day, abatement: withinRecord(context, day + days + random.int(7, 42)), encounter });
  addEmergencyObservations(context, recorder, day, encounter);
  if (admitted) {
    for (const lab of ['haemoglobin', 'whiteCells', 'sodium', 'potassium', 'creatinine'] as const) {
      addMeasurement(context, recorder, LABS[lab], 'laboratory', day, encounter, lab === 'whiteCells' ? 3 : 0);
    }
    addMedicinesOnAdmission(context, recorder, repeats, day, encounter);
    if (medication) addMedicationStatement(context, recorder, medication, day + days, encounter);
    return { recorder, day, encounter };
  }
  return undefined;
}

/**
 * The hospital's "medicines on admission": the GP's current repeats (same dm+d code), now and then
 * at a different dose, which the consolidated record shows as a conflict rather than a second medicine.
 */
function addMedicinesOnAdmission(context: RecordContext, recorder: Recorder, repeats: readonly Repeat[], day: number, encounter: Reference<Encounter>): void {
  const current = new Set(repeats.filter((r) => r.started <= day && (r.until === undefined || day <= r.until)).map((r) => r.medication));
  for (const medication of current) {
    const otherDose = DOSES_ON_ADMISSION[medication];
    const dose = otherDose && context.variation.chance(0.2) ? otherDose : undefined;
    addMedicationStatement(context, recorder, medication, day, encounter, dose);
  }
}

/** A hospital asks about allergies on admission: one the GP already knows is recorded again, at the first admission after it. */
function addAllergiesOnAdmission(context: RecordContext, admissions: readonly Admission[], allergies: ReadonlyArray<{ allergy: AllergyIntolerance; day: number }>): void {
  for (const { allergy, day } of allergies) {
    const admission = [...admissions].sort((a, b) => a.day - b.day).find((a) => a.day >= day);
    if (admission && context.variation.chance(0.8)) addKnownAllergy(context, admission.recorder, allergy, admission.day, admission.encounter);
  }
}

function addEmergencyObservations(context: RecordContext, recorder: Recorder, day: number, encounter: Reference<Encounter>): void {
  addBloodPressure(context, recorder, day, encounter);
  for (const vital of [VITALS.heartRate, VITALS.respiratoryRate, VITALS.temperature, VITALS.oxygenSaturation]) {
    addMeasurement(context, recorder, vital, 'vital-signs', day, encounter);
  }
}

function addAllergies(context: RecordContext, historyStart: number): Array<{ allergy: AllergyIntolerance; day: number }> {
  const { person, random } = context;
  const count = random.chance(0.2) ? (random.chance(0.25) ? 2 : 1) : 0;
  const recorder = gpRecorder(context);
  const allergens = ALLERGENS.map((a) => ({ value: a, weight: a.weight }));
  const chosen = new Set(Array.from({ length: count }, () => random.weighted(allergens)));
  return [...chosen].map((allergen) => {
    const day = dayBetween(context, historyStart, person.endDay - 1);
    return { allergy: addAllergy(context, recorder, allergen, day), day };
  });
}

function addImmunizations(context: RecordContext, historyStart: number): void {
  const { person, random } = context;
  const recorder = gpRecorder(context);
  const uptake = random.chance(0.93);
  for (const [key, ageDays, dose] of CHILDHOOD_SCHEDULE) {
    const day = person.birthDay + ageDays + random.int(0, 28);
    if (day < historyStart || day >= person.endDay || !uptake) continue;
    addImmunization(context, recorder, VACCINES[key], day, dose);
  }
  if (person.age >= 65 || (person.age >= 18 && random.chance(0.1))) addFluSeasons(context, recorder, historyStart);
  const covidDay = dayOf('2021-01-15') + random.int(0, 120);
  if (person.age >= 50 && random.chance(0.85) && covidDay > historyStart && covidDay < person.endDay) {
    addImmunization(context, recorder, VACCINES.covid, covidDay, 1);
    if (covidDay + 84 < person.endDay) addImmunization(context, recorder, VACCINES.covid, covidDay + 84, 2);
  }
  const at65 = addYears(person.birthDay, 65) + random.int(0, 200);
  if (at65 > historyStart && at65 < person.endDay && random.chance(0.7)) addImmunization(context, recorder, VACCINES.pneumococcal, at65, 1);
  const at70 = addYears(person.birthDay, 70) + random.int(0, 700);
  if (at70 > historyStart && at70 < person.endDay && random.chance(0.5)) addImmunization(context, recorder, VACCINES.shingles, at70, 1);
}

function addFluSeasons(context: RecordContext, recorder: Recorder, historyStart: number): void {
  const { person, random } = context;
  const keen = random.chance(0.7);
  for (let year = yearOf(historyStart); year <= yearOf(person.endDay); year++) {
    const day = dayOf(`${year}-10-01`) + random.int(0, 60);
    if (day < historyStart || day >= person.endDay || !random.chance(keen ? 0.9 : 0.2)) continue;
    addImmunization(context, recorder, VACCINES.influenza, day);
  }
}

function addHealthCheck(context: RecordContext, historyStart: number): void {
  const { person } = context;
  const recorder = gpRecorder(context);
  const day = dayBetween(context, historyStart, person.endDay - 1);
  const encounter = addEncounter(context, { recorder, classCode: 'AMB', type: ENCOUNTER_TYPES.checkUp, start: day });
  addBloodPressure(context, recorder, day, encounter);
  for (const vital of [VITALS.weight, VITALS.height, VITALS.bmi]) addMeasurement(context, recorder, vital, 'vital-signs', day, encounter);
  addMeasurement(context, recorder, LABS.cholesterol, 'laboratory', day, encounter);
}

/** Heavy people: home visits and monitoring bloods until the whole record reaches its target size (~300). */
export function topUpHeavyRecord(context: RecordContext, conditions: readonly ChronicCondition[]): void {
  const { bundle, random, person } = context;
  const historyStart = historyStartOf(context);
  const target = HEAVY_TARGET + random.int(-15, 15);
  const labs = [...new Set<LabKey>(['haemoglobin', 'creatinine', 'egfr', ...conditions.flatMap((c) => c.monitoring)])];
  while (bundle.size < target) {
    const recorder = gpRecorder(context);
    const day = dayBetween(context, historyStart, person.endDay - 1);
    const encounter = addEncounter(context, { recorder, classCode: 'HH', type: ENCOUNTER_TYPES.homeVisit, start: day });
    addBloodPressure(context, recorder, day, encounter);
    for (const lab of random.sample(labs, 3)) addMeasurement(context, recorder, LABS[lab], 'laboratory', day, encounter);
  }
}
