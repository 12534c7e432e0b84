// Data categories: the units in which need-to-know is decided ("social-care staff see medications,
// allergies, diagnoses and visits"). Each resource type belongs to exactly one category; types in
// none are seen only by callers that need no policy (sharedcare's own tools).

export const DATA_CATEGORIES = {
  /** Who the person is: needed to find them, so readable without a relationship. */
  demographics: ['Patient', 'Person'],
  /** The council's record: the case, the allocated team, carers, services, plans and reviews. */
  'social-care': ['EpisodeOfCare', 'CareTeam', 'CarePlan', 'RelatedPerson', 'ServiceRequest', 'Task', 'Goal', 'Device',
    'QuestionnaireResponse', 'Communication', 'CommunicationRequest'],
  /** Alerts shown on access: CP-IS plans, safeguarding, risks. */
  alerts: ['Flag', 'DetectedIssue', 'RiskAssessment'],
  medications: ['MedicationStatement', 'MedicationRequest', 'MedicationAdministration', 'MedicationDispense'],
  allergies: ['AllergyIntolerance'],
  conditions: ['Condition'],
  procedures: ['Procedure'],
  /** Results and measurements. */
  observations: ['Observation', 'DiagnosticReport', 'Specimen', 'ImagingStudy'],
  immunisations: ['Immunization', 'ImmunizationRecommendation'],
  /** Hospital and community contacts. */
  visits: ['Encounter', 'Appointment', 'AppointmentResponse'],
  documents: ['DocumentReference', 'Composition', 'Media'],
  /** The person's consent and dissent decisions. */
  consent: ['Consent'],
  /** Where each fact came from. */
  provenance: ['Provenance'],
  /** Shared directory entries with no person in them: organisations, staff, places, medicines. */
  directory: ['Organization', 'Practitioner', 'PractitionerRole', 'Location', 'HealthcareService', 'Endpoint', 'Medication',
    'OrganizationAffiliation', 'Substance'],
  /** Code systems, maps and definitions: no personal data. */
  terminology: ['ConceptMap', 'CodeSystem', 'ValueSet', 'NamingSystem', 'StructureDefinition', 'SearchParameter', 'OperationDefinition',
    'CapabilityStatement', 'Questionnaire', 'PlanDefinition', 'ActivityDefinition'],
} as const satisfies Record<string, readonly string[]>;

export type DataCategory = keyof typeof DATA_CATEGORIES;

export const CATEGORY_NAMES = Object.keys(DATA_CATEGORIES) as DataCategory[];

const CATEGORY_OF = new Map<string, DataCategory>(
  CATEGORY_NAMES.flatMap((category) => DATA_CATEGORIES[category].map((type) => [type, category] as const)),
);

/** The category of a resource type, or undefined for types no role is granted. */
export function categoryOf(type: string): DataCategory | undefined {
  return CATEGORY_OF.get(type);
}

export function isDataCategory(value: string): value is DataCategory {
  return Object.hasOwn(DATA_CATEGORIES, value);
}

/** Every resource type in the given categories. */
export function typesOf(categories: Iterable<DataCategory>): string[] {
  return [...new Set(categories)].flatMap((c) => DATA_CATEGORIES[c]);
}
