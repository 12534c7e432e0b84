// Reads the audit trail's events about the person (their copy: who, when, why, how it ended) into
// plain words: who looked (name, role, organisation, or the computer system), what they looked at,
// and why they could (their reason for break glass or a claimed relationship, in their words).
// See docs/governance/audit.md for what each event carries.
import type { AuditEvent, AuditEventAgent } from '@medplum/fhirtypes';

export interface Access {
  id: string;
  when: string;
  /** A person's name, or how a computer system is known. */
  who: string;
  role?: string;
  /** The organisation's code; the page names it. */
  organisationCode?: string;
  what: string;
  why: string;
  /** The words they gave (break glass, a claimed relationship, a consent answer). */
  reason?: string;
  outcome: 'allowed' | 'refused' | 'failed';
  /** The token subject of the person who looked; the citizen's own accesses are left out by it. */
  subject?: string;
}

const ROLE_SYSTEM = 'https://fhir.hl7.org.uk/CodeSystem/UKCore-SDSJobRoleName';
const OPERATION_SYSTEM = 'urn:sharedcare:codesystem:operation';
const INTERACTION_SYSTEM = 'http://hl7.org/fhir/restful-interaction';

/** National job roles (CIS2 R codes) as a person would say them. */
const ROLES: Record<string, string> = {
  R8000: 'Doctor or other clinician', R8001: 'Nurse', R8002: 'Nurse manager', R8003: 'Health professional',
  R8008: 'Admin and clinical support', R8009: 'Receptionist', R8010: 'Clerical staff', R8013: 'Health records manager',
  R8014: 'Social worker', R9535: 'Child protection worker', R9605: 'Emergency duty social worker',
  R0001: 'Privacy officer', R5105: 'Caldicott guardian (protects how your information is used)',
};

const OPERATIONS: Record<string, string> = {
  everything: 'Your whole record',
  summary: 'Your whole record',
  access: 'Whether they may see your record',
  'claim-access': 'Asked to see your record',
  'consent-to-view': 'Your answer about letting them see your record',
  'opt-out': 'Your choice about research and planning',
  launch: 'Opened your record from their own system',
  cpis: 'Child protection information',
  'cpis-accesses': 'Child protection information',
  'audit-report': 'Who has looked at your record',
  'match-review': 'How your records are matched together',
  'link-history': 'How your records are matched together',
  unlink: 'How your records are matched together',
};

const INTERACTIONS: Record<string, string> = {
  read: 'Part of your record', vread: 'Part of your record', 'history-instance': 'Earlier versions of part of your record',
  'search-type': 'Searched records, and found yours', 'search-system': 'Searched records, and found yours',
  create: 'Added to your record', update: 'Changed your record', patch: 'Changed your record', delete: 'Removed part of your record',
  transaction: 'Added to or changed your record', batch: 'Added to or changed your record',
};

/** Why they could see it: the basis the audit trail recorded. */
const BASES: Record<string, string> = {
  'episode-of-care': 'Their team is working with you (an open case)',
  'care-team': 'They are part of your care team',
  referral: 'You were referred to them',
  encounter: 'You were being seen by them, for example in hospital',
  registration: 'You are registered with their GP practice',
  'self-claimed': 'They said they are involved in your care',
  'break-glass': 'Emergency access (break glass)',
  system: 'A computer system that shares records for your care',
  'patient-self': 'You looked at your own record',
  'not-person-specific': 'Looking after the service',
};

const PURPOSES: Record<string, string> = {
  TREAT: 'Your care',
  BTG: 'Emergency access (break glass)',
  HOPERAT: 'Running health and care services',
  HRESCH: 'Research',
  HCOMPL: 'Checking the rules were followed',
};

const codeIn = (event: AuditEvent, system: string): string | undefined => event.subtype?.find((c) => c.system === system)?.code;
const hasType = (agent: AuditEventAgent, code: string): boolean => !!agent.type?.coding?.some((c) => c.code === code);

function what(event: AuditEvent): string {
  const operation = codeIn(event, OPERATION_SYSTEM);
  if (operation) return OPERATIONS[operation] ?? 'Your record';
  return INTERACTIONS[codeIn(event, INTERACTION_SYSTEM) ?? ''] ?? 'Your record';
}

function detail(event: AuditEvent, type: string): string | undefined {
  const entity = event.entity?.find((e) => e.type?.code === 'access-basis');
  return entity?.detail?.find((d) => d.type === type)?.valueString;
}

function why(event: AuditEvent): string {
  const basis = detail(event, 'basis');
  const purpose = event.purposeOfEvent?.[0]?.coding?.[0]?.code;
  if (purpose === 'BTG' || basis === 'break-glass') return PURPOSES.BTG!;
  const parts = [purpose ? PURPOSES[purpose] ?? 'Your care' : 'Your care', basis ? BASES[basis] : undefined];
  return parts.filter(Boolean).join('. ');
}

function outcomeOf(event: AuditEvent): Access['outcome'] {
  if (event.outcome === '4') return 'refused';
  return event.outcome === '0' ? 'allowed' : 'failed';
}

/** One event in plain words. */
export function accessOf(event: AuditEvent): Access {
  const agents = event.agent ?? [];
  // A person is an information recipient or author; a system caller has only its client agent.
  const person = agents.find((a) => hasType(a, 'IRCP') || hasType(a, 'AUT'));
  const client = agents.find((a) => a.requestor && !hasType(a, 'IRCP') && !hasType(a, 'AUT')) ?? agents.find((a) => hasType(a, '110153') || hasType(a, '110152'));
  const organisation = agents.find((a) => hasType(a, 'PROV'))?.who?.identifier?.value;
  const roleCode = person?.role?.flatMap((r) => r.coding ?? []).find((c) => c.system === ROLE_SYSTEM)?.code;
  const reason = detail(event, 'reason');
  const subject = person?.who?.identifier?.value;
  return {
    id: event.id ?? '',
    when: event.recorded ?? '',
    who: person ? (person.name ?? person.who?.display ?? 'Someone') : `A computer system (${client?.who?.identifier?.value ?? 'unnamed'})`,
    ...(roleCode ? { role: ROLES[roleCode] ?? 'Health or care worker' } : {}),
    ...(organisation ? { organisationCode: organisation } : {}),
    what: what(event),
    why: why(event),
    ...(reason ? { reason } : {}),
    outcome: outcomeOf(event),
    ...(subject ? { subject } : {}),
  };
}

/** The `sub` of the signed-in person's access token: their own accesses are not listed. */
export function subjectOfToken(accessToken: string): string | undefined {
  try {
    const part = accessToken.split('.')[1] ?? '';
    return (JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: string }).sub;
  } catch {
    return undefined;
  }
}
