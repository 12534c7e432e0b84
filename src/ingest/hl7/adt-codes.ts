// The code tables an ADT feed is read with: which trigger events we take and what they mean, HL7 v2
// patient class and sex, and the NHS England code lists (admission method, discharge destination,
// ethnic category, NHS number status) a UK PAS sends in PV1-4, PV1-37, PID-22 and PID-32.
// See: ../../../docs/mapping/hl7-adt.md and ../../../../shared/reference/uk-standards.md §2

/** Trigger events we apply. See: https://hl7-definition.caristix.com/v2/HL7v2.5.1/TriggerEvents */
export const ADT_EVENTS = ['A01', 'A02', 'A03', 'A04', 'A05', 'A08', 'A11', 'A12', 'A13', 'A28', 'A31', 'A40'] as const;
export type AdtEvent = (typeof ADT_EVENTS)[number];

export function isAdtEvent(value: string): value is AdtEvent {
  return (ADT_EVENTS as readonly string[]).includes(value);
}

/** Events about a hospital visit (they need PV1-19); the rest are about the person only. */
export const VISIT_EVENTS: ReadonlySet<AdtEvent> = new Set(['A01', 'A02', 'A03', 'A04', 'A05', 'A11', 'A12', 'A13']);

/**
 * Order of events recorded at the same instant (EVN-2 often has minute precision): the order in
 * which a patient's stay unfolds, so "admitted and transferred in the same minute" folds as such.
 */
export const SAME_TIME_RANK: Readonly<Record<AdtEvent, number>> = {
  A28: 0, A31: 1, A05: 2, A04: 3, A01: 4, A08: 5, A02: 6, A12: 7, A03: 8, A13: 9, A11: 10, A40: 11,
};

/** HL7 v2 table 0004 patient class → v3 ActCode encounter class. */
export const PATIENT_CLASSES: Readonly<Record<string, { code: string; display: string }>> = {
  I: { code: 'IMP', display: 'inpatient encounter' },
  B: { code: 'IMP', display: 'inpatient encounter' },
  E: { code: 'EMER', display: 'emergency' },
  O: { code: 'AMB', display: 'ambulatory' },
  R: { code: 'AMB', display: 'ambulatory' },
  C: { code: 'AMB', display: 'ambulatory' },
  P: { code: 'PRENC', display: 'pre-admission' },
};

export const V3_NULL_FLAVOR_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor';
export const V3_PARTICIPATION_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
export const V2_ADMISSION_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v2-0007';
export const UK_CORE_ENCOUNTER_PROFILE = 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Encounter';
export const ADMISSION_METHOD_EXTENSION = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-AdmissionMethod';
export const ADMISSION_METHOD_SYSTEM = 'https://fhir.hl7.org.uk/CodeSystem/UKCore-AdmissionMethodEngland';
export const DISCHARGE_DESTINATION_SYSTEM = 'https://fhir.hl7.org.uk/CodeSystem/UKCore-DischargeDestinationEngland';

/** UKCore-AdmissionMethodEngland (NHS Data Dictionary ADMISSION METHOD CODE), short displays. */
export const ADMISSION_METHODS: Readonly<Record<string, string>> = {
  '11': 'Elective Admission: Waiting list',
  '12': 'Elective Admission: Booked',
  '13': 'Elective Admission: Planned',
  '21': 'Emergency Admission: Emergency Care Department',
  '22': 'Emergency Admission: General Practitioner',
  '23': 'Emergency Admission: Bed bureau',
  '24': 'Emergency Admission: Consultant Clinic',
  '25': 'Emergency Admission: Mental Health Crisis Resolution Team',
  '2A': 'Emergency Admission: Emergency Care Department of another provider',
  '2B': 'Emergency Admission: Transfer from another Hospital Provider in an emergency',
  '2C': 'Emergency Admission: Baby born at home as intended',
  '2D': 'Emergency Admission: Other emergency admission',
  '28': 'Emergency Admission: Other means',
  '31': 'Maternity Admission: Admitted ante partum',
  '32': 'Maternity Admission: Admitted post partum',
  '81': 'Other Admission: Transfer from other Hospital Provider other than in an emergency',
  '82': 'Other Admission: The birth of a baby in this Health Care Provider',
  '83': 'Other Admission: Baby born outside the Health Care Provider',
  '98': 'Not applicable',
  '99': 'Admission Method not known',
};

/** HL7 v2 table 0007 admission type, for feeds that send it instead of the England codes. */
export const V2_ADMISSION_TYPES: Readonly<Record<string, string>> = {
  A: 'Accident', C: 'Elective', E: 'Emergency', L: 'Labor and Delivery', N: 'Newborn', R: 'Routine', U: 'Urgent',
};

/** UKCore-DischargeDestinationEngland (NHS Data Dictionary DISCHARGE DESTINATION CODE), short displays. */
export const DISCHARGE_DESTINATIONS: Readonly<Record<string, string>> = {
  '19': 'Usual place of residence',
  '29': 'Temporary place of residence',
  '30': 'Repatriation from high security psychiatric accommodation',
  '37': 'Court',
  '38': 'Penal establishment or police station',
  '48': 'High Security Psychiatric Hospital, Scotland',
  '49': 'NHS other Hospital Provider - high security psychiatric accommodation',
  '50': 'NHS other Hospital Provider - medium secure unit',
  '51': 'NHS other Hospital Provider - ward for general patients',
  '52': 'NHS other Hospital Provider - ward for maternity patients or neonates',
  '53': 'NHS other Hospital Provider - ward for mental illness or learning disabilities',
  '54': 'NHS run Care Home',
  '65': 'Local Authority residential accommodation',
  '66': 'Local Authority foster care',
  '79': 'Not applicable - Patient died or stillbirth',
  '84': 'Non-NHS run hospital - medium secure unit',
  '85': 'Non-NHS (other than Local Authority) run Care Home',
  '87': 'Non-NHS run hospital',
  '88': 'Non-NHS (other than Local Authority) run Hospice',
  '98': 'Not applicable - Hospital Provider Spell not finished',
  '99': 'Not known',
};

/** UKCore-EthnicCategoryEngland (NHS Data Dictionary ETHNIC CATEGORY). */
export const ETHNIC_CATEGORIES: Readonly<Record<string, string>> = {
  A: 'White - British', B: 'White - Irish', C: 'White - Any other White background',
  D: 'Mixed - White and Black Caribbean', E: 'Mixed - White and Black African', F: 'Mixed - White and Asian',
  G: 'Mixed - Any other mixed background', H: 'Asian or Asian British - Indian', J: 'Asian or Asian British - Pakistani',
  K: 'Asian or Asian British - Bangladeshi', L: 'Asian or Asian British - Any other Asian background',
  M: 'Black or Black British - Caribbean', N: 'Black or Black British - African', P: 'Black or Black British - Any other Black background',
  R: 'Other Ethnic Groups - Chinese', S: 'Other Ethnic Groups - Any other ethnic group', Z: 'Not stated', '99': 'Not known',
};

/** HL7 v2 table 0001 administrative sex → FHIR gender. */
export const SEXES: Readonly<Record<string, 'male' | 'female' | 'other' | 'unknown'>> = {
  M: 'male', F: 'female', O: 'other', A: 'other', U: 'unknown', N: 'unknown',
};

/** HL7 v2 table 0200 name type → FHIR HumanName.use (types without a clear FHIR use are left without one). */
export const NAME_USES: Readonly<Record<string, 'official' | 'usual' | 'maiden' | 'nickname' | 'anonymous' | 'old'>> = {
  L: 'official', D: 'usual', M: 'maiden', N: 'nickname', S: 'anonymous', B: 'old',
};

/** HL7 v2 table 0190 address type → FHIR Address use/type. */
export const ADDRESS_USES: Readonly<Record<string, { use?: 'home' | 'work' | 'temp' | 'old'; type?: 'postal' }>> = {
  H: { use: 'home' }, B: { use: 'work' }, O: { use: 'work' }, C: { use: 'temp' }, TMP: { use: 'temp' }, M: { type: 'postal' }, BA: { use: 'old' },
};

/** HL7 v2 table 0357 message error condition codes, used in ERR-3. */
export const HL7_ERROR_CODES = {
  segmentSequence: { code: '100', text: 'Segment sequence error' },
  requiredField: { code: '101', text: 'Required field missing' },
  dataType: { code: '102', text: 'Data type error' },
  tableValue: { code: '103', text: 'Table value not found' },
  messageType: { code: '200', text: 'Unsupported message type' },
  eventCode: { code: '201', text: 'Unsupported event code' },
  processingId: { code: '202', text: 'Unsupported processing id' },
  versionId: { code: '203', text: 'Unsupported version id' },
  unknownKey: { code: '204', text: 'Unknown key identifier' },
  internal: { code: '207', text: 'Application internal error' },
} as const;
