// Identifier and code systems used across sharedcare, in one place so every module spells them the same way.
// See: ../shared/reference/uk-standards.md §1–§2

/** NHS number identifier system. See: https://simplifier.net/guide/ukcoreimplementationguideforfhirr4 */
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
export const ODS_ORGANIZATION_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
export const ODS_SITE_SYSTEM = 'https://fhir.nhs.uk/Id/ods-site-code';

export const UK_CORE_PATIENT_PROFILE = 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient';
export const NHS_NUMBER_VERIFICATION_EXTENSION =
  'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus';
/** UK Core 2.x code system for verification status (codes 01–08). */
export const NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND =
  'https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland';
/** The system PDS returns; accepted alongside the England one. */
export const NHS_NUMBER_VERIFICATION_SYSTEM =
  'https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatus';
/** NHS number verification status (UKCore-NHSNumberVerificationStatusEngland; HL7 UK table 0445 in PID-32). */
export const NHS_NUMBER_VERIFICATION_STATUSES: Readonly<Record<string, string>> = {
  '01': 'Number present and verified',
  '02': 'Number present but not traced',
  '03': 'Trace required',
  '04': 'Trace attempted - No match or multiple match found',
  '05': 'Trace needs to be resolved - (NHS Number or patient detail conflict)',
  '06': 'Trace in progress',
  '07': 'Number not present and trace not required',
  '08': 'Trace postponed (baby under six weeks old)',
};
export const ETHNIC_CATEGORY_EXTENSION =
  'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory';
export const ETHNIC_CATEGORY_SYSTEM = 'https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland';
export const SNOMED_SYSTEM = 'http://snomed.info/sct';
export const LOINC_SYSTEM = 'http://loinc.org';
export const UCUM_SYSTEM = 'http://unitsofmeasure.org';
export const DMD_SYSTEM = 'https://dmd.nhs.uk';
export const CHILD_PROTECTION_PLAN_CODES = {
  childProtectionPlan: '342191000000101',
  lookedAfterChild: '764841000000100',
  unbornChildProtectionPlan: '818901000000100',
} as const;

/** Prefix of `Meta.source` URIs naming the system a record came from, e.g. `urn:sharedcare:source:mosaic-nottinghamshire`. */
export const SOURCE_SYSTEM_PREFIX = 'urn:sharedcare:source:';
/** `Meta.source` of records sharedcare derives itself (e.g. persons from identity linking): shared like records written here. */
export const DERIVED_SOURCES = { identity: 'urn:sharedcare:derived:identity', events: 'urn:sharedcare:derived:events' } as const;
/** Prefix of identifier systems for a source system's local ids, e.g. `urn:sharedcare:id:mosaic-nottinghamshire:person`. */
export const LOCAL_IDENTIFIER_PREFIX = 'urn:sharedcare:id:';
/** Prefix of sharedcare's own small code systems where no national one exists, e.g. safeguarding enquiry category. */
export const SHAREDCARE_CODE_SYSTEM_PREFIX = 'urn:sharedcare:codesystem:';
/** Prefix of sharedcare's own extension URLs where no published extension says the same thing. */
export const SHAREDCARE_EXTENSION_PREFIX = 'urn:sharedcare:extension:';
/** On a Patient/$match entry's `search`: the person the record belongs to and the evidence (weight, reason, fields). */
export const PERSON_MATCH_EXTENSION = `${SHAREDCARE_EXTENSION_PREFIX}person-match`;
/** FHIR's match grade of a $match result (certain | probable | possible | certainly-not). */
export const MATCH_GRADE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/match-grade';
export const GMC_NUMBER_SYSTEM = 'https://fhir.hl7.org.uk/Id/gmc-number';
/** ONS GSS code of a local authority, e.g. E10000024 Nottinghamshire. */
export const ONS_GSS_CODE_SYSTEM = 'http://statistics.data.gov.uk/id/statistical-geography';

/** The identifier system of an organisation code in a token: a council's ONS GSS code (E09000012) or an ODS code. */
export function organizationCodeSystem(code: string): string {
  return /^[ENSW]\d{8}$/.test(code) ? ONS_GSS_CODE_SYSTEM : ODS_ORGANIZATION_SYSTEM;
}
export const V3_ROLE_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';
export const V3_ACT_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const ORGANIZATION_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/organization-type';
/** Adult social care code systems derived from DHSC Client Level Data (Interweave, Yorkshire & Humber). */
export const INTERWEAVE_CODE_SYSTEMS = {
  supportReason: 'https://fhir.interweavedigital.nhs.uk/CodeSystem/Interweave-SocialCareSupportReason',
  serviceCategory: 'https://fhir.interweavedigital.nhs.uk/CodeSystem/Interweave-SocialCareServiceCategory',
  serviceType: 'https://fhir.interweavedigital.nhs.uk/CodeSystem/Interweave-SocialCareServiceType',
  assessmentType: 'https://fhir.interweavedigital.nhs.uk/CodeSystem/Interweave-SocialCareAssessmentType',
  assessmentOutcome: 'https://fhir.interweavedigital.nhs.uk/CodeSystem/Interweave-SocialCareAssessmentOutcome',
  contactReason: 'https://fhir.interweavedigital.nhs.uk/CodeSystem/Interweave-SocialCareContactReason',
  supportRole: 'https://fhir.interweavedigital.nhs.uk/CodeSystem/Interweave-SocialCareSupportRole',
  flagCategory: 'https://fhir.interweavedigital.nhs.uk/CodeSystem/Interweave-FlagCategory',
} as const;

/** Prefix of sharedcare's published StructureDefinitions (extensions the viewer and partners read). */
export const SHAREDCARE_STRUCTURE_PREFIX = 'https://sharedcare.org.uk/fhir/StructureDefinition/';
/**
 * On a consolidated record entry (`$summary`), repeating: one source record that reported the item.
 * Sub-extensions `source` (valueString), `reference` (valueReference), `lastUpdated` (valueInstant),
 * `recorded` (valueDateTime, when the source says when it was recorded).
 */
export const REPORTED_BY_EXTENSION = `${SHAREDCARE_STRUCTURE_PREFIX}reported-by`;
/**
 * On a consolidated record entry, repeating: an element the sources disagree on. Sub-extensions
 * `element` (valueString) and one `value` per distinct value, itself holding `text` (valueString),
 * and each `source` (valueString) and `reference` (valueReference) that said it.
 */
export const CONSOLIDATION_CONFLICT_EXTENSION = `${SHAREDCARE_STRUCTURE_PREFIX}consolidation-conflict`;
/** On a consolidated record entry: how many source resources it stands for (valueInteger). */
export const CONSOLIDATED_COUNT_EXTENSION = `${SHAREDCARE_STRUCTURE_PREFIX}consolidated-count`;
