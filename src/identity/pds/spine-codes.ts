// The words PDS speaks beyond plain FHIR: Spine error codes in OperationOutcomes and the
// v3-Confidentiality security label that marks a restricted (sensitive) patient. Shared by the
// client, which reads them, and the stand-in, which writes them.
// See: ../../../../shared/reference/uk-standards.md §3
import type { OperationOutcome, Patient } from '@medplum/fhirtypes';

/** Code system of PDS error and warning codes. */
export const SPINE_ERROR_SYSTEM = 'https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode';
export const V3_CONFIDENTIALITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
/** The path PDS is served under on api.service.nhs.uk; the stand-in uses the same one. */
export const PDS_BASE_PATH = '/personal-demographics/FHIR/R4';

/** Spine codes PDS answers with, their OperationOutcome issue type and display. */
export const SPINE_CODES = {
  TOO_MANY_MATCHES: { issue: 'multiple-matches', display: 'Too many matches' },
  INVALID_SEARCH_DATA: { issue: 'value', display: 'Search data is invalid' },
  UNSUPPORTED_SERVICE: { issue: 'not-supported', display: 'Unsupported service' },
  MISSING_VALUE: { issue: 'required', display: 'Required value is missing' },
  INVALID_VALUE: { issue: 'value', display: 'Provided value is invalid' },
  ADDITIONAL_PROPERTIES: { issue: 'structure', display: 'Additional properties' },
  ACCESS_DENIED: { issue: 'forbidden', display: 'Access denied' },
  INVALID_RESOURCE_ID: { issue: 'value', display: 'Resource Id is invalid' },
  RESOURCE_NOT_FOUND: { issue: 'not-found', display: 'Resource not found' },
  INVALIDATED_RESOURCE: { issue: 'not-found', display: 'Resource that has been marked as invalid was requested' },
  UNABLE_TO_CALL_SERVICE: { issue: 'timeout', display: 'Unable to call service' },
  TOO_MANY_REQUESTS: { issue: 'throttled', display: 'Too many requests' },
} as const;
export type SpineCode = keyof typeof SPINE_CODES;

/** A PDS OperationOutcome with one issue; TOO_MANY_MATCHES is information, everything else an error. */
export function spineOutcome(code: SpineCode, diagnostics?: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{
      severity: code === 'TOO_MANY_MATCHES' ? 'information' : 'error',
      code: SPINE_CODES[code].issue,
      details: { coding: [{ system: SPINE_ERROR_SYSTEM, version: '1', code, display: SPINE_CODES[code].display }] },
      ...(diagnostics ? { diagnostics } : {}),
    }],
  };
}

/**
 * The Spine code of an OperationOutcome's first coded issue. PDS's own examples spell the system
 * both `https://fhir.nhs.uk/R4/…` and `https://fhir.hl7.org.uk/…`, so any `…/Spine-ErrorOrWarningCode` counts.
 */
export function spineCodeOf(outcome: unknown): string | undefined {
  const issues = (outcome as OperationOutcome | undefined)?.issue ?? [];
  for (const issue of issues) {
    const coding = issue.details?.coding?.find((c) => c.system?.endsWith('/Spine-ErrorOrWarningCode') && c.code);
    if (coding?.code) return coding.code;
  }
  return undefined;
}

/** True when PDS labels the patient restricted (v3-Confidentiality `R`): location details are withheld. */
export function isRestricted(patient: Patient): boolean {
  return (patient.meta?.security ?? []).some((s) => s.code === 'R' && (s.system === undefined || s.system === V3_CONFIDENTIALITY_SYSTEM));
}
