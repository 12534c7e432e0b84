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
