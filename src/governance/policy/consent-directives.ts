// A person's consent decisions, read as FHIR Consent resources at the moment of each request (no
// cache window, so a withdrawal takes effect on the very next request):
// - dissent from sharing for direct care (scope patient-privacy, provision deny, no secondary-only
//   purpose), optionally only towards named organisations;
// - opt-outs from secondary uses (the national data opt-out, the GP type 1 opt-out, or a deny whose
//   purposes are all secondary): never applied to direct care.
// A decision recorded against one source record holds for the whole person.
import type { Consent } from '@medplum/fhirtypes';
import type { Queryable } from '../../store/driver.ts';
import type { PersonLinks } from './person-links.ts';

/** sharedcare's code system for opt-outs that come from outside the record (Spine, GP systems). */
export const OPT_OUT_SYSTEM = 'https://sharedcare.org.uk/fhir/CodeSystem/opt-out';
export const OPT_OUTS = { national: 'national-data-opt-out', gpType1: 'gp-type-1-opt-out' } as const;

const PURPOSE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
/** Purposes beyond individual care (v3-PurposeOfUse). */
export const SECONDARY_PURPOSES = new Set(['HRESCH', 'HOPERAT', 'HPAYMT', 'HMARKT', 'PUBHLTH', 'HSYSADMIN', 'HQUALIMP', 'CLINTRCH']);

export type DirectiveKind = 'dissent' | 'opt-out';

/** What one Consent means for access, or undefined when it restricts nothing now. */
export function directiveOf(consent: Consent, now: Date, callerOrganization?: string): DirectiveKind | undefined {
  if (consent.status !== 'active' || consent.provision?.type !== 'deny') return undefined;
  const period = consent.provision.period;
  if (period?.end && new Date(period.end) < now) return undefined;
  if (period?.start && new Date(period.start) > now) return undefined;
  const optOut = (consent.policyRule?.coding ?? []).some((c) => c.system === OPT_OUT_SYSTEM);
  const purposes = (consent.provision.purpose ?? []).filter((p) => p.system === PURPOSE_SYSTEM || p.system === undefined).map((p) => p.code);
  if (optOut || (purposes.length > 0 && purposes.every((p) => p !== undefined && SECONDARY_PURPOSES.has(p)))) return 'opt-out';
  const actors = consent.provision.actor ?? [];
  // A dissent towards named organisations binds only callers from them (matched by their code).
  if (actors.length > 0 && !actors.some((a) => a.reference?.identifier?.value !== undefined && a.reference.identifier.value === callerOrganization)) {
    return undefined;
  }
  return 'dissent';
}

/**
 * Record keys whose person has a directive of `kind` in force, among `scopeKeys` (or everyone).
 * Expanded to every linked record of those persons.
 */
export async function keysUnderDirective(q: Queryable, links: PersonLinks, kind: DirectiveKind, options: {
  scopeKeys?: readonly string[];
  now: Date;
  callerOrganization?: string;
}): Promise<Set<string>> {
  const params: unknown[] = [];
  let scope = '';
  if (options.scopeKeys) {
    if (options.scopeKeys.length === 0) return new Set();
    params.push(options.scopeKeys);
    scope = ' AND c.person_key = ANY($1::bigint[])';
  }
  const { rows } = await q.query<{ seed_key: string; person_key: string; content: Consent }>(
    `WITH c AS (
       SELECT c.person_key, c.content FROM resource c
        WHERE c.type = 'Consent' AND NOT c.deleted AND c.person_key IS NOT NULL${scope}
          AND c.content->>'status' = 'active' AND c.content#>>'{provision,type}' = 'deny'
     ), seed_keys AS (SELECT DISTINCT person_key FROM c),
     same AS (${links.samePersonSql('seed_keys')})
     SELECT c.person_key AS seed_key, coalesce(m.person_key, c.person_key) AS person_key, c.content
       FROM c LEFT JOIN same m ON m.seed_key = c.person_key`,
    params,
  );
  const keys = new Set<string>();
  for (const row of rows) {
    const content = row.content; // stored without resourceType and id; directiveOf reads neither
    if (directiveOf(content, options.now, options.callerOrganization) !== kind) continue;
    keys.add(row.seed_key);
    keys.add(row.person_key);
  }
  return keys;
}
