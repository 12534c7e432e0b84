// The caller's standing with one person, from GET Patient/{id}/$access: whether the record is
// visible, why not when it is not, what they may do about it, and which data categories their role
// may see (which decides the record's tabs). See: docs/governance/policy.md
import type { Parameters } from '@medplum/fhirtypes';

export interface AccessStatus {
  visible: boolean;
  /** How the relationship was found (episode-of-care, encounter, registration, self-claimed, break-glass…). */
  bases: string[];
  /** Why a related caller still cannot see it: the person dissented, or consent to view is needed. */
  withheld?: 'dissent' | 'consent-to-view';
  canSelfClaim: boolean;
  canBreakGlass: boolean;
  consentToViewRequired: boolean;
  /** The role's need-to-know categories (src/governance/policy/categories.ts). */
  categories: string[];
}

/** Parses the $access answer. */
export function accessStatusOf(params: Parameters): AccessStatus {
  const all = params.parameter ?? [];
  const flag = (name: string) => all.find((p) => p.name === name)?.valueBoolean === true;
  const codes = (name: string) => all.filter((p) => p.name === name).map((p) => p.valueCode ?? p.valueString ?? '').filter(Boolean);
  const withheld = codes('withheld')[0];
  return {
    visible: flag('visible'),
    bases: codes('basis'),
    ...(withheld === 'dissent' || withheld === 'consent-to-view' ? { withheld } : {}),
    canSelfClaim: flag('canSelfClaim'),
    canBreakGlass: flag('canBreakGlass'),
    consentToViewRequired: flag('consentToViewRequired'),
    categories: codes('category'),
  };
}
