// The audit trail's codes in plain English for an IG lead: job roles, what was done, on what
// basis and for what purpose, and how it ended. Unknown codes are shown as they are.

/** National RBAC job roles sharedcare's default policy names (docs/governance/policy.md). */
const ROLE_NAMES: Record<string, string> = {
  R8000: 'Clinical Practitioner',
  R8001: 'Nurse',
  R8002: 'Nurse Manager',
  R8003: 'Health Professional',
  R8008: 'Admin and Clinical Support',
  R8009: 'Receptionist',
  R8010: 'Clerical',
  R8013: 'Health Records Manager',
  R8014: 'Social Worker',
  R9535: 'Child Protection Worker',
  R9605: 'Emergency Duty Social Worker',
  R0001: 'Privacy Officer',
  R5105: 'Caldicott Guardian',
};

const INTERACTIONS: Record<string, string> = {
  read: 'Read an entry',
  vread: 'Read an earlier version',
  'search-type': 'Searched',
  'search-system': 'Searched',
  'history-instance': 'Looked at the history of an entry',
  'history-type': 'Looked at the history',
  create: 'Added an entry',
  update: 'Changed an entry',
  patch: 'Changed an entry',
  delete: 'Deleted an entry',
  $everything: 'Opened the whole record',
  $summary: 'Opened the record summary',
  $access: 'Checked what they may see',
  '$claim-access': 'Claimed access',
  '$consent-to-view': 'Recorded the person’s answer to consent to view',
  '$audit-report': 'Ran an audit report',
  $cpis: 'Checked child protection information',
};

const PURPOSES: Record<string, string> = {
  TREAT: 'Direct care',
  BTG: 'Break glass (emergency)',
  HCOMPL: 'Information governance',
  HOPERAT: 'Running services',
  HRESCH: 'Research',
  PATRQT: 'The person asked',
};

const BASES: Record<string, string> = {
  'episode-of-care': 'an open case',
  'care-team': 'a care team',
  referral: 'a referral',
  encounter: 'a hospital or clinic visit',
  registration: 'their GP registration',
  'self-claimed': 'a self-claimed relationship',
  'break-glass': 'break glass',
  'patient-self': 'their own record',
  system: 'a connected system',
  'not-person-specific': 'a search or report, not one person',
};

const OUTCOMES: Record<string, { text: string; tag: string }> = {
  success: { text: 'Allowed', tag: 'nhsuk-tag--green' },
  denied: { text: 'Refused', tag: 'nhsuk-tag--red' },
  failed: { text: 'Failed', tag: 'nhsuk-tag--orange' },
};

export const roleName = (code: string | undefined): string | undefined => (code ? (ROLE_NAMES[code] ?? code) : undefined);

export const interactionWords = (interaction: string | undefined): string =>
  interaction ? (INTERACTIONS[interaction] ?? (interaction.startsWith('$') ? `Used ${interaction}` : interaction)) : 'Unknown';

export const purposeWords = (purpose: string | undefined): string => (purpose ? (PURPOSES[purpose] ?? purpose) : 'Direct care');

export const basisWords = (basis: string | undefined): string | undefined => (basis ? (BASES[basis] ?? basis) : undefined);

export const outcomeOf = (outcome: string): { text: string; tag: string } => OUTCOMES[outcome] ?? { text: outcome, tag: 'nhsuk-tag--grey' };

/** Who did it, for a row: their name, or what kind of caller they were. */
export function agentName(row: { agent: string; name?: string; kind?: string }): string {
  if (row.name) return row.name;
  if (row.kind === 'system' || !row.kind) return `A connected system (${row.agent})`;
  return row.agent;
}
