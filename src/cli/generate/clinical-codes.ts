// Code tables for synthetic clinical records: long-term conditions with their usual medicines and
// monitoring, acute problems, allergies, vaccines, vital signs and lab tests (SNOMED CT, LOINC, UCUM).
// Condition, allergen, reaction and LOINC codes are real concepts; the dm+d and vaccine-product codes
// follow the real format but were not checked against a terminology server: trust the display.
import type { Sex } from './names.ts';

export interface Code {
  readonly code: string;
  readonly display: string;
}

export const MEDICATIONS = {
  amlodipine: { code: '319283006', display: 'Amlodipine 5mg tablets', dose: 'One tablet once a day' },
  ramipril: { code: '318906001', display: 'Ramipril 5mg capsules', dose: 'One capsule once a day' },
  bisoprolol: { code: '318590006', display: 'Bisoprolol 2.5mg tablets', dose: 'One tablet once a day' },
  furosemide: { code: '317971007', display: 'Furosemide 40mg tablets', dose: 'One tablet in the morning' },
  apixaban: { code: '703907008', display: 'Apixaban 5mg tablets', dose: 'One tablet twice a day' },
  atorvastatin: { code: '320176004', display: 'Atorvastatin 20mg tablets', dose: 'One tablet at night' },
  simvastatin: { code: '320000009', display: 'Simvastatin 40mg tablets', dose: 'One tablet at night' },
  aspirin: { code: '319770009', display: 'Aspirin 75mg dispersible tablets', dose: 'One tablet once a day' },
  clopidogrel: { code: '376714001', display: 'Clopidogrel 75mg tablets', dose: 'One tablet once a day' },
  metformin: { code: '325278007', display: 'Metformin 500mg tablets', dose: 'One tablet twice a day with food' },
  gliclazide: { code: '325238004', display: 'Gliclazide 80mg tablets', dose: 'One tablet twice a day' },
  salbutamol: { code: '320176005', display: 'Salbutamol 100micrograms/dose inhaler CFC free', dose: 'Two puffs when required' },
  beclometasone: { code: '320145001', display: 'Clenil Modulite 100micrograms/dose inhaler', dose: 'Two puffs twice a day' },
  tiotropium: { code: '407902001', display: 'Tiotropium 18microgram inhalation powder capsules', dose: 'Inhale one capsule once a day' },
  sertraline: { code: '321208000', display: 'Sertraline 50mg tablets', dose: 'One tablet once a day' },
  citalopram: { code: '321987003', display: 'Citalopram 20mg tablets', dose: 'One tablet once a day' },
  donepezil: { code: '407838001', display: 'Donepezil 10mg tablets', dose: 'One tablet at night' },
  levothyroxine: { code: '376809001', display: 'Levothyroxine sodium 100microgram tablets', dose: 'One tablet in the morning' },
  alendronicAcid: { code: '409332000', display: 'Alendronic acid 70mg tablets', dose: 'One tablet once a week' },
  adcal: { code: '375725002', display: 'Calcium carbonate 1.5g / Colecalciferol 10micrograms chewable tablets', dose: 'One tablet twice a day' },
  levetiracetam: { code: '407835003', display: 'Levetiracetam 500mg tablets', dose: 'One tablet twice a day' },
  coCareldopa: { code: '377270003', display: 'Co-careldopa 25mg/100mg tablets', dose: 'One tablet three times a day' },
  olanzapine: { code: '386849001', display: 'Olanzapine 10mg tablets', dose: 'One tablet at night' },
  emollient: { code: '330875003', display: 'Zerobase 11% cream', dose: 'Apply to dry skin as often as needed' },
  cetirizine: { code: '324098007', display: 'Cetirizine 10mg tablets', dose: 'One tablet once a day when required' },
  paracetamol: { code: '322236009', display: 'Paracetamol 500mg tablets', dose: 'Two tablets up to four times a day' },
  codeine: { code: '322280009', display: 'Codeine 30mg tablets', dose: 'One tablet up to four times a day when required' },
  omeprazole: { code: '317335000', display: 'Omeprazole 20mg gastro-resistant capsules', dose: 'One capsule once a day' },
  amoxicillin: { code: '323509004', display: 'Amoxicillin 500mg capsules', dose: 'One capsule three times a day for 5 days' },
  phenoxymethylpenicillin: { code: '323388007', display: 'Phenoxymethylpenicillin 250mg tablets', dose: 'Two tablets four times a day for 5 days' },
  nitrofurantoin: { code: '324430000', display: 'Nitrofurantoin 100mg modified-release capsules', dose: 'One capsule twice a day for 3 days' },
  flucloxacillin: { code: '323565006', display: 'Flucloxacillin 500mg capsules', dose: 'One capsule four times a day for 7 days' },
  doxycycline: { code: '324090008', display: 'Doxycycline 100mg capsules', dose: 'One capsule once a day for 5 days' },
  amoxicillinSuspension: { code: '323519000', display: 'Amoxicillin 250mg/5ml oral suspension', dose: '5ml three times a day for 5 days' },
  prednisolone: { code: '325427001', display: 'Prednisolone 5mg tablets', dose: 'Eight tablets once a day for 5 days' },
} as const;
export type MedicationKey = keyof typeof MEDICATIONS;

/**
 * The dose a hospital sometimes records for a repeat medicine on admission when it differs from the
 * GP's (titrated at a clinic, or taken differently at home): the consolidated record shows it as a conflict.
 */
export const DOSES_ON_ADMISSION: Partial<Record<MedicationKey, string>> = {
  amlodipine: 'Two tablets once a day',
  ramipril: 'Two capsules once a day',
  bisoprolol: 'Two tablets once a day',
  furosemide: 'Two tablets in the morning',
  atorvastatin: 'Two tablets at night',
  metformin: 'Two tablets twice a day with food',
  gliclazide: 'One tablet once a day',
  levothyroxine: 'One and a half tablets in the morning',
  sertraline: 'Two tablets once a day',
  donepezil: 'Half a tablet at night',
};

export interface Measure {
  readonly loinc: string;
  readonly display: string;
  readonly unit: string;
  readonly mean: number;
  readonly sd: number;
  readonly min: number;
  readonly max: number;
  readonly decimals: number;
}

export const LABS = {
  hba1c: { loinc: '59261-8', display: 'Hemoglobin A1c/Hemoglobin.total in Blood by IFCC protocol', unit: 'mmol/mol', mean: 52, sd: 10, min: 30, max: 110, decimals: 0 },
  cholesterol: { loinc: '14647-2', display: 'Cholesterol [Moles/volume] in Serum or Plasma', unit: 'mmol/L', mean: 5.0, sd: 1.0, min: 2.5, max: 9.5, decimals: 1 },
  egfr: { loinc: '62238-1', display: 'Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI)', unit: 'mL/min/{1.73_m2}', mean: 72, sd: 18, min: 8, max: 120, decimals: 0 },
  creatinine: { loinc: '14682-9', display: 'Creatinine [Moles/volume] in Serum or Plasma', unit: 'umol/L', mean: 85, sd: 22, min: 40, max: 450, decimals: 0 },
  haemoglobin: { loinc: '718-7', display: 'Hemoglobin [Mass/volume] in Blood', unit: 'g/L', mean: 135, sd: 14, min: 70, max: 180, decimals: 0 },
  potassium: { loinc: '2823-3', display: 'Potassium [Moles/volume] in Serum or Plasma', unit: 'mmol/L', mean: 4.3, sd: 0.4, min: 2.8, max: 6.5, decimals: 1 },
  sodium: { loinc: '2951-2', display: 'Sodium [Moles/volume] in Serum or Plasma', unit: 'mmol/L', mean: 139, sd: 3, min: 122, max: 152, decimals: 0 },
  tsh: { loinc: '3016-3', display: 'Thyrotropin [Units/volume] in Serum or Plasma', unit: 'mU/L', mean: 2.2, sd: 1.2, min: 0.05, max: 12, decimals: 2 },
  whiteCells: { loinc: '6690-2', display: 'Leukocytes [#/volume] in Blood by Automated count', unit: '10*9/L', mean: 7.2, sd: 2, min: 2, max: 25, decimals: 1 },
  platelets: { loinc: '777-3', display: 'Platelets [#/volume] in Blood by Automated count', unit: '10*9/L', mean: 260, sd: 60, min: 60, max: 600, decimals: 0 },
} as const satisfies Record<string, Measure>;
export type LabKey = keyof typeof LABS;

export const VITALS = {
  heartRate: { loinc: '8867-4', display: 'Heart rate', unit: '/min', mean: 76, sd: 11, min: 45, max: 140, decimals: 0 },
  respiratoryRate: { loinc: '9279-1', display: 'Respiratory rate', unit: '/min', mean: 16, sd: 2, min: 10, max: 32, decimals: 0 },
  temperature: { loinc: '8310-5', display: 'Body temperature', unit: 'Cel', mean: 36.9, sd: 0.5, min: 35.5, max: 40.2, decimals: 1 },
  oxygenSaturation: { loinc: '59408-5', display: 'Oxygen saturation in Arterial blood by Pulse oximetry', unit: '%', mean: 97, sd: 1.5, min: 86, max: 100, decimals: 0 },
  weight: { loinc: '29463-7', display: 'Body weight', unit: 'kg', mean: 78, sd: 15, min: 38, max: 160, decimals: 1 },
  height: { loinc: '8302-2', display: 'Body height', unit: 'cm', mean: 170, sd: 9, min: 140, max: 200, decimals: 0 },
  bmi: { loinc: '39156-5', display: 'Body mass index (BMI) [Ratio]', unit: 'kg/m2', mean: 27, sd: 5, min: 16, max: 50, decimals: 1 },
} as const satisfies Record<string, Measure>;

export const BLOOD_PRESSURE = {
  panel: { loinc: '85354-9', display: 'Blood pressure panel with all children optional' },
  systolic: { loinc: '8480-6', display: 'Systolic blood pressure', unit: 'mm[Hg]', mean: 132, sd: 15, min: 90, max: 200, decimals: 0 },
  diastolic: { loinc: '8462-4', display: 'Diastolic blood pressure', unit: 'mm[Hg]', mean: 80, sd: 9, min: 50, max: 120, decimals: 0 },
} as const;

export interface ChronicCondition extends Code {
  /** Chance of having it: children (<18), adults (18–64), older people (65+). */
  readonly prevalence: readonly [number, number, number];
  readonly sex?: Sex;
  readonly medications: readonly MedicationKey[];
  readonly monitoring: readonly LabKey[];
}

export const CHRONIC_CONDITIONS: readonly ChronicCondition[] = [
  { code: '38341003', display: 'Hypertensive disorder', prevalence: [0, 0.14, 0.5], medications: ['amlodipine', 'ramipril'], monitoring: ['potassium', 'creatinine', 'egfr'] },
  { code: '44054006', display: 'Type 2 diabetes mellitus', prevalence: [0.001, 0.06, 0.18], medications: ['metformin', 'gliclazide', 'atorvastatin'], monitoring: ['hba1c', 'egfr', 'cholesterol'] },
  { code: '195967001', display: 'Asthma', prevalence: [0.09, 0.08, 0.07], medications: ['salbutamol', 'beclometasone'], monitoring: [] },
  { code: '13645005', display: 'Chronic obstructive lung disease', prevalence: [0, 0.02, 0.09], medications: ['salbutamol', 'tiotropium'], monitoring: ['haemoglobin'] },
  { code: '49436004', display: 'Atrial fibrillation', prevalence: [0, 0.01, 0.1], medications: ['apixaban', 'bisoprolol'], monitoring: ['creatinine', 'haemoglobin'] },
  { code: '84114007', display: 'Heart failure', prevalence: [0, 0.004, 0.06], medications: ['furosemide', 'bisoprolol', 'ramipril'], monitoring: ['potassium', 'sodium', 'egfr'] },
  { code: '53741008', display: 'Coronary arteriosclerosis', prevalence: [0, 0.02, 0.13], medications: ['aspirin', 'atorvastatin', 'bisoprolol'], monitoring: ['cholesterol'] },
  { code: '230690007', display: 'Cerebrovascular accident', prevalence: [0, 0.005, 0.06], medications: ['clopidogrel', 'atorvastatin'], monitoring: ['cholesterol'] },
  { code: '52448006', display: 'Dementia', prevalence: [0, 0.001, 0.08], medications: ['donepezil'], monitoring: [] },
  { code: '35489007', display: 'Depressive disorder', prevalence: [0.02, 0.11, 0.09], medications: ['sertraline', 'citalopram'], monitoring: [] },
  { code: '197480006', display: 'Anxiety disorder', prevalence: [0.03, 0.07, 0.04], medications: ['sertraline'], monitoring: [] },
  { code: '396275006', display: 'Osteoarthritis', prevalence: [0, 0.06, 0.3], medications: ['paracetamol', 'codeine'], monitoring: [] },
  { code: '709044004', display: 'Chronic kidney disease', prevalence: [0, 0.02, 0.14], medications: ['ramipril'], monitoring: ['egfr', 'creatinine', 'potassium'] },
  { code: '40930008', display: 'Hypothyroidism', prevalence: [0.002, 0.03, 0.07], medications: ['levothyroxine'], monitoring: ['tsh'] },
  { code: '64859006', display: 'Osteoporosis', prevalence: [0, 0.01, 0.1], medications: ['alendronicAcid', 'adcal'], monitoring: [] },
  { code: '84757009', display: 'Epilepsy', prevalence: [0.005, 0.008, 0.01], medications: ['levetiracetam'], monitoring: [] },
  { code: '49049000', display: "Parkinson's disease", prevalence: [0, 0.001, 0.02], medications: ['coCareldopa'], monitoring: [] },
  { code: '110359009', display: 'Intellectual disability', prevalence: [0.02, 0.01, 0.004], medications: [], monitoring: [] },
  { code: '406506008', display: 'Attention deficit hyperactivity disorder', prevalence: [0.04, 0.01, 0], medications: [], monitoring: [] },
  { code: '58214004', display: 'Schizophrenia', prevalence: [0, 0.007, 0.005], medications: ['olanzapine'], monitoring: ['hba1c', 'cholesterol'] },
  { code: '55822004', display: 'Hyperlipidemia', prevalence: [0, 0.08, 0.22], medications: ['simvastatin'], monitoring: ['cholesterol'] },
  { code: '414916001', display: 'Obesity', prevalence: [0.05, 0.2, 0.2], medications: [], monitoring: [] },
  { code: '24079001', display: 'Atopic dermatitis', prevalence: [0.1, 0.03, 0.02], medications: ['emollient'], monitoring: [] },
  { code: '61582004', display: 'Allergic rhinitis', prevalence: [0.05, 0.1, 0.04], medications: ['cetirizine'], monitoring: [] },
  { code: '7200002', display: 'Alcoholism', prevalence: [0, 0.015, 0.01], medications: [], monitoring: ['haemoglobin'] },
  { code: '254837009', display: 'Malignant neoplasm of breast', sex: 'female', prevalence: [0, 0.01, 0.05], medications: [], monitoring: ['haemoglobin'] },
  { code: '399068003', display: 'Malignant tumor of prostate', sex: 'male', prevalence: [0, 0.003, 0.07], medications: [], monitoring: [] },
  { code: '363406005', display: 'Malignant neoplasm of colon', prevalence: [0, 0.002, 0.02], medications: [], monitoring: ['haemoglobin'] },
  { code: '193570009', display: 'Cataract', prevalence: [0, 0.005, 0.15], medications: [], monitoring: [] },
  { code: '15188001', display: 'Hearing loss', prevalence: [0.005, 0.02, 0.25], medications: [], monitoring: [] },
];

export const SETTINGS = { gp: 'gp', emergency: 'emergency', admission: 'admission' } as const;
export type Setting = (typeof SETTINGS)[keyof typeof SETTINGS];

export interface AcuteProblem extends Code {
  /** Relative frequency: children, adults, older people. */
  readonly weight: readonly [number, number, number];
  readonly setting: Setting;
  readonly medication?: MedicationKey;
  readonly childMedication?: MedicationKey;
}

export const ACUTE_PROBLEMS: readonly AcuteProblem[] = [
  { code: '195662009', display: 'Acute viral pharyngitis', weight: [10, 6, 3], setting: 'gp', medication: 'paracetamol' },
  { code: '43878008', display: 'Streptococcal sore throat', weight: [4, 2, 0.5], setting: 'gp', medication: 'phenoxymethylpenicillin', childMedication: 'amoxicillinSuspension' },
  { code: '65363002', display: 'Otitis media', weight: [8, 1, 0.5], setting: 'gp', medication: 'amoxicillin', childMedication: 'amoxicillinSuspension' },
  { code: '10509002', display: 'Acute bronchitis', weight: [3, 4, 5], setting: 'gp', medication: 'doxycycline', childMedication: 'amoxicillinSuspension' },
  { code: '444814009', display: 'Viral sinusitis', weight: [2, 5, 2], setting: 'gp' },
  { code: '68566005', display: 'Urinary tract infectious disease', weight: [1, 4, 7], setting: 'gp', medication: 'nitrofurantoin' },
  { code: '128045006', display: 'Cellulitis', weight: [1, 2, 3], setting: 'gp', medication: 'flucloxacillin' },
  { code: '25374005', display: 'Gastroenteritis', weight: [5, 3, 2], setting: 'gp' },
  { code: '279039007', display: 'Low back pain', weight: [0.2, 6, 4], setting: 'gp', medication: 'paracetamol' },
  { code: '9826008', display: 'Conjunctivitis', weight: [4, 1, 1], setting: 'gp' },
  { code: '840539006', display: 'COVID-19', weight: [2, 3, 3], setting: 'gp' },
  { code: '44465007', display: 'Sprain of ankle', weight: [2, 2, 1], setting: 'emergency', medication: 'paracetamol' },
  { code: '1912002', display: 'Fall', weight: [1, 1, 8], setting: 'emergency' },
  { code: '233604007', display: 'Pneumonia', weight: [0.5, 0.5, 4], setting: 'admission', medication: 'amoxicillin' },
  { code: '5913000', display: 'Fracture of neck of femur', weight: [0, 0.1, 2], setting: 'admission', medication: 'codeine' },
  { code: '195951007', display: 'Acute exacerbation of chronic obstructive airways disease', weight: [0, 0.3, 2], setting: 'admission', medication: 'prednisolone' },
];

export interface Allergen extends Code {
  readonly category: 'food' | 'medication' | 'environment';
  readonly weight: number;
}

export const ALLERGENS: readonly Allergen[] = [
  { code: '764146007', display: 'Penicillin', category: 'medication', weight: 10 },
  { code: '387207008', display: 'Ibuprofen', category: 'medication', weight: 2 },
  { code: '387458008', display: 'Aspirin', category: 'medication', weight: 1 },
  { code: '387494007', display: 'Codeine', category: 'medication', weight: 2 },
  { code: '256349002', display: 'Peanut - dietary', category: 'food', weight: 3 },
  { code: '102263004', display: 'Eggs', category: 'food', weight: 1 },
  { code: '3718001', display: "Cow's milk", category: 'food', weight: 1 },
  { code: '44027008', display: 'Seafood', category: 'food', weight: 1 },
  { code: '111088007', display: 'Latex', category: 'environment', weight: 1 },
  { code: '260147004', display: 'House dust mite', category: 'environment', weight: 2 },
  { code: '256277009', display: 'Grass pollen', category: 'environment', weight: 2 },
];

export const REACTIONS: readonly Code[] = [
  { code: '271807003', display: 'Eruption of skin' },
  { code: '247472004', display: 'Wheal' },
  { code: '267036007', display: 'Dyspnea' },
  { code: '422587007', display: 'Nausea' },
  { code: '39579001', display: 'Anaphylaxis' },
];

export interface Vaccine extends Code {
  readonly text: string;
}

export const VACCINES = {
  sixInOne: { code: '1162634005', display: 'Vaccine product containing only acellular Bordetella pertussis and Clostridium tetani and Corynebacterium diphtheriae and Haemophilus influenzae type b and Hepatitis B virus and inactivated Human poliovirus antigens', text: 'DTaP/IPV/Hib/HepB (6-in-1)' },
  rotavirus: { code: '836387005', display: 'Vaccine product containing Rotavirus antigen', text: 'Rotavirus' },
  menB: { code: '836401009', display: 'Vaccine product containing Neisseria meningitidis antigen', text: 'MenB' },
  pneumococcal: { code: '836398006', display: 'Vaccine product containing Streptococcus pneumoniae antigen', text: 'Pneumococcal' },
  mmr: { code: '871831003', display: 'Vaccine product containing only live attenuated Measles morbillivirus and Mumps orthorubulavirus and Rubella virus antigens', text: 'MMR' },
  hibMenC: { code: '836380007', display: 'Vaccine product containing Haemophilus influenzae type b antigen', text: 'Hib/MenC' },
  fourInOne: { code: '836381006', display: 'Vaccine product containing Corynebacterium diphtheriae antigen', text: 'DTaP/IPV (4-in-1 pre-school booster)' },
  hpv: { code: '836379009', display: 'Vaccine product containing Human papillomavirus antigen', text: 'HPV' },
  tdIpv: { code: '836381006', display: 'Vaccine product containing Corynebacterium diphtheriae antigen', text: 'Td/IPV (3-in-1 teenage booster)' },
  menAcwy: { code: '836401009', display: 'Vaccine product containing Neisseria meningitidis antigen', text: 'MenACWY' },
  influenza: { code: '1181000221105', display: 'Vaccine product containing only Influenza virus antigen', text: 'Seasonal influenza' },
  covid: { code: '1119349007', display: 'Vaccine product containing only SARS-CoV-2 mRNA', text: 'COVID-19 mRNA' },
  shingles: { code: '836495005', display: 'Vaccine product containing Human alphaherpesvirus 3 antigen', text: 'Shingles (herpes zoster)' },
} as const satisfies Record<string, Vaccine>;
export type VaccineKey = keyof typeof VACCINES;

/** The routine UK childhood schedule: vaccine, age in days, dose number. */
export const CHILDHOOD_SCHEDULE: readonly (readonly [VaccineKey, number, number])[] = [
  ['sixInOne', 56, 1], ['rotavirus', 56, 1], ['menB', 56, 1],
  ['sixInOne', 84, 2], ['rotavirus', 84, 2], ['pneumococcal', 84, 1],
  ['sixInOne', 112, 3], ['menB', 112, 2],
  ['hibMenC', 365, 1], ['mmr', 365, 1], ['pneumococcal', 365, 2], ['menB', 365, 3],
  ['mmr', 1225, 2], ['fourInOne', 1225, 1],
  ['hpv', 4550, 1], ['tdIpv', 5110, 1], ['menAcwy', 5110, 1],
];
