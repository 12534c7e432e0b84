// The FHIR invariants met most often on write, as plain functions, for the validator's fast path
// (fast-path-validator.ts). Each answers what its FHIRPath expression answers on a value whose
// structure is otherwise valid, or `undefined` where it would need the FHIRPath engine to say.
// See: https://hl7.org/fhir/R4/conformance-rules.html#constraints
type Json = Record<string, unknown>;
type Test = (value: unknown, resource: Json) => boolean | undefined;

export interface CompiledConstraint {
  /** The expression the function stands for: a definition saying anything else is evaluated by FHIRPath instead. */
  expression: string;
  test: Test;
}

const has = (value: unknown, key: string): boolean => (value as Json)[key] !== undefined;

/** True when a choice element (`value[x]`, `abatement[x]`…) holds a value under any of its types. */
function hasChoice(value: unknown, name: string): boolean {
  for (const key of Object.keys(value as Json)) {
    if (key.length > name.length && key.startsWith(name)) {
      const next = key.charCodeAt(name.length);
      if (next >= 65 && next <= 90) return true; // an upper-case letter starts the type's name
    }
  }
  return false;
}

/** `concept.coding.where(system = S and code in codes).exists()` */
function hasCoding(concept: unknown, system: string, codes: readonly string[]): boolean {
  const codings = (concept as { coding?: Array<{ system?: unknown; code?: unknown }> } | undefined)?.coding;
  return Array.isArray(codings) && codings.some((c) => c.system === system && codes.includes(c.code as string));
}

const CONSENT_SCOPE = (code: string): CompiledConstraint => ({
  expression: `patient.exists() or scope.coding.where(system='something' and code='${code}').exists().not()`,
  test: (v) => has(v, 'patient') || !hasCoding((v as Json).scope, 'something', [code]),
});

const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const CONDITION_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const ALLERGY_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
const NO_CONTAINED: Test = (_v, resource) => (resource.contained === undefined ? true : undefined);

/** By constraint key. dom-3 and org-1, which @medplum/core's validator skips, are checked as written: stricter, never laxer. */
export const COMPILED_CONSTRAINTS: Readonly<Record<string, CompiledConstraint>> = {
  'dom-2': { expression: 'contained.contained.empty()', test: NO_CONTAINED },
  'dom-3': {
    expression: "contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()",
    test: NO_CONTAINED,
  },
  'dom-4': { expression: 'contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()', test: NO_CONTAINED },
  'dom-5': { expression: 'contained.meta.security.empty()', test: NO_CONTAINED },
  'ext-1': { expression: 'extension.exists() != value.exists()', test: (v) => has(v, 'extension') !== hasChoice(v, 'value') },
  'pat-1': {
    expression: 'name.exists() or telecom.exists() or address.exists() or organization.exists()',
    test: (v) => has(v, 'name') || has(v, 'telecom') || has(v, 'address') || has(v, 'organization'),
  },
  'org-1': { expression: '(identifier.count() + name.count()) > 0', test: (v) => has(v, 'identifier') || has(v, 'name') },
  'org-2': { expression: "where(use = 'home').empty()", test: (v) => (v as Json).use !== 'home' },
  'org-3': { expression: "where(use = 'home').empty()", test: (v) => (v as Json).use !== 'home' },
  'cpl-3': { expression: 'detail.empty() or reference.empty()', test: (v) => !has(v, 'detail') || !has(v, 'reference') },
  'ctm-1': {
    expression: 'onBehalfOf.exists() implies (member.resolve().iif(empty(), true, ofType(Practitioner).exists()))',
    test: (v) => (has(v, 'onBehalfOf') ? undefined : true),
  },
  'inv-1': {
    expression: 'lastModified.exists().not() or authoredOn.exists().not() or lastModified >= authoredOn',
    test: (v) => (!has(v, 'lastModified') || !has(v, 'authoredOn') ? true : undefined),
  },
  'prr-1': { expression: 'orderDetail.empty() or code.exists()', test: (v) => !has(v, 'orderDetail') || has(v, 'code') },
  'ppc-1': { expression: 'policy.exists() or policyRule.exists()', test: (v) => has(v, 'policy') || has(v, 'policyRule') },
  'ppc-2': CONSENT_SCOPE('patient-privacy'),
  'ppc-3': CONSENT_SCOPE('research'),
  'ppc-4': CONSENT_SCOPE('adr'),
  'ppc-5': CONSENT_SCOPE('treatment'),
  'con-4': {
    expression: "abatement.empty() or clinicalStatus.coding.where(system='http://terminology.hl7.org/CodeSystem/condition-clinical' and (code='resolved' or code='remission' or code='inactive')).exists()",
    test: (v) => !hasChoice(v, 'abatement') || hasCoding((v as Json).clinicalStatus, CONDITION_CLINICAL, ['resolved', 'remission', 'inactive']),
  },
  'con-5': {
    expression: "verificationStatus.coding.where(system='http://terminology.hl7.org/CodeSystem/condition-ver-status' and code='entered-in-error').empty() or clinicalStatus.empty()",
    test: (v) => !hasCoding((v as Json).verificationStatus, CONDITION_VERIFICATION, ['entered-in-error']) || !has(v, 'clinicalStatus'),
  },
  'obs-6': { expression: 'dataAbsentReason.empty() or value.empty()', test: (v) => !has(v, 'dataAbsentReason') || !hasChoice(v, 'value') },
  'obs-7': {
    expression: 'value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()',
    test: (v) => (!hasChoice(v, 'value') || !has(v, 'component') ? true : undefined),
  },
  'ait-1': {
    expression: "verificationStatus.coding.where(system = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification' and code = 'entered-in-error').exists() or clinicalStatus.exists()",
    test: (v) => hasCoding((v as Json).verificationStatus, ALLERGY_VERIFICATION, ['entered-in-error']) || has(v, 'clinicalStatus'),
  },
  'ait-2': {
    expression: "verificationStatus.coding.where(system = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification' and code = 'entered-in-error').empty() or clinicalStatus.empty()",
    test: (v) => !hasCoding((v as Json).verificationStatus, ALLERGY_VERIFICATION, ['entered-in-error']) || !has(v, 'clinicalStatus'),
  },
};
