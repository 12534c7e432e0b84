// Validation on write: the R4 StructureDefinitions (types, cardinality, required bindings) via
// @medplum/core, plus the UK Core rules that matter here (NHS number Modulus 11, verification status).
// A compiled fast path clears resources it can prove valid; everything else takes the full path.
import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { FhirError, type Issue } from './errors.ts';
import { isCertainlyValid } from './fast-path-validator.ts';
import { requiredBindingIssues } from './required-bindings.ts';
import { ukCoreIssues } from './uk-core-rules.ts';

const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** Throws FhirError('invalid', 'FHIR_VALIDATION') with every issue found. */
export function assertValidResource(resource: Resource): void {
  if (isCertainlyValid(resource)) return;
  assertValidByFullPath(resource);
}

/** The full validator alone: every check, every issue worded. */
export function assertValidByFullPath(resource: Resource): void {
  const issues: Issue[] = [];
  try {
    validateResource(resource);
  } catch (err) {
    if (!(err instanceof OperationOutcomeError)) throw err;
    for (const i of err.outcome.issue ?? []) {
      if (i.severity !== 'error' && i.severity !== 'fatal') continue;
      issues.push({
        severity: 'error',
        code: i.code ?? 'invalid',
        message: i.details?.text ?? i.diagnostics ?? 'Invalid resource',
        ...(i.expression ? { expression: i.expression } : {}),
      });
    }
  }
  issues.push(...requiredBindingIssues(resource), ...ukCoreIssues(resource));
  if (issues.length > 0) throw FhirError.fromIssues('invalid', 'FHIR_VALIDATION', issues);
}
