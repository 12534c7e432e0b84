// The UK Core rules checked on write beyond R4 itself: an NHS number passes Modulus 11 and its
// verification status uses a known code. See: https://simplifier.net/hl7fhirukcorer4
import type { Resource } from '@medplum/fhirtypes';
import type { Issue } from './errors.ts';
import { isValidNhsNumber } from './nhs-number.ts';
import {
  NHS_NUMBER_SYSTEM,
  NHS_NUMBER_VERIFICATION_EXTENSION,
  NHS_NUMBER_VERIFICATION_SYSTEM,
  NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND,
} from './systems.ts';

const VERIFICATION_CODES = new Set(['01', '02', '03', '04', '05', '06', '07', '08']);
// PDS's UK Core 2.x code system uses kebab codes; both forms are accepted.
const VERIFICATION_KEBAB = new Set([
  'number-present-and-verified',
  'number-present-but-not-traced',
  'trace-required',
  'trace-attempted-no-match-or-multiple-match-found',
  'trace-needs-to-be-resolved',
  'trace-in-progress',
  'number-not-present-and-trace-not-required',
  'trace-postponed',
]);

/** NHS number identifiers must pass Modulus 11; verification status must use a known code. */
export function ukCoreIssues(resource: Resource): Issue[] {
  const identifiers = (resource as { identifier?: unknown }).identifier;
  if (!Array.isArray(identifiers)) return [];
  const issues: Issue[] = [];
  identifiers.forEach((identifier: { system?: string; value?: string; extension?: Array<Record<string, unknown>> }, i) => {
    if (identifier?.system !== NHS_NUMBER_SYSTEM) return;
    const path = `${resource.resourceType}.identifier[${i}]`;
    if (typeof identifier.value !== 'string' || !isValidNhsNumber(identifier.value)) {
      issues.push({ severity: 'error', code: 'value', id: 'UKCORE_NHS_NUMBER', message: 'NHS number fails the Modulus 11 check', expression: [`${path}.value`] });
    } else if (/\s/.test(identifier.value)) {
      issues.push({ severity: 'error', code: 'value', id: 'UKCORE_NHS_NUMBER', message: 'NHS number must be 10 digits without spaces', expression: [`${path}.value`] });
    }
    identifier.extension?.forEach((ext, j) => {
      if (ext.url !== NHS_NUMBER_VERIFICATION_EXTENSION) return;
      const codings = ((ext.valueCodeableConcept as { coding?: Array<{ system?: string; code?: string }> } | undefined)?.coding) ?? [];
      const ok = codings.some(
        (c) =>
          (c.system === NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND && VERIFICATION_CODES.has(c.code ?? '')) ||
          (c.system === NHS_NUMBER_VERIFICATION_SYSTEM && (VERIFICATION_CODES.has(c.code ?? '') || VERIFICATION_KEBAB.has(c.code ?? ''))),
      );
      if (!ok) {
        issues.push({
          severity: 'error',
          code: 'code-invalid',
          id: 'UKCORE_NHS_NUMBER_VERIFICATION',
          message: 'NHS number verification status must be a code from UKCore-NHSNumberVerificationStatus(England)',
          expression: [`${path}.extension[${j}]`],
        });
      }
    });
  });
  return issues;
}
