// The deployment's information-governance policy: which roles need to know which categories, which
// organisations share what with whom and why, how consent is honoured, and how long a claimed
// relationship lasts. Defaults follow the seeds (SCR-style legitimate relationships, Hackney's
// consent-to-view as an option); a deployment overrides them with a JSON file (docs/governance/policy.md).
import { readFileSync } from 'node:fs';
import { CATEGORY_NAMES, isDataCategory, type DataCategory } from './categories.ts';

export interface RolePolicy {
  /** CIS2 job role code (UKCore-SDSJobRoleName), e.g. R8014; `citizen` for people seeing their own record. */
  code: string;
  name: string;
  /** Need-to-know: the categories this role may see. */
  categories: DataCategory[];
  /** May claim a legitimate relationship by giving a reason (raises a privacy-officer alert). */
  selfClaim: boolean;
  /** May break glass (purpose BTG, reason required, alert raised). */
  breakGlass: boolean;
  /** Reads the audit trail and information-governance reports. */
  audit: boolean;
  /** Reviews possible matches between records (the identity review queue). */
  matchReview: boolean;
  /** May add notes and activities to a person's shared care plan (Lincolnshire: the hospital teams). */
  contributeCarePlan: boolean;
}

/** Purposes an agreement covers: direct care, or secondary uses (planning, research). */
export type SharingPurpose = 'direct-care' | 'secondary';

export interface SharingAgreement {
  id: string;
  name: string;
  /** Organisation codes (ODS or council GSS) whose data is shared; `*` for every organisation. */
  from: string[];
  /** Organisation codes that may see it; `*` for every organisation. */
  to: string[];
  categories: Array<DataCategory | '*'>;
  purposes: SharingPurpose[];
}

export interface SecurityLabel {
  system: string;
  code: string;
}

export interface PolicyConfig {
  roles: RolePolicy[];
  agreements: SharingAgreement[];
  /** Source system id (as in meta.source `urn:sharedcare:source:<id>`) → the organisation that controls it. */
  sources: Record<string, string>;
  /** Labels marking sensitive data (sexual health, mental health, safeguarding detail): shown only under break-glass. */
  sensitiveLabels: SecurityLabel[];
  /** Labels a source puts on records it withholds from sharing: never shown outside the source organisation. */
  withheldLabels: SecurityLabel[];
  consent: {
    /** A person's dissent (an active Consent denying sharing) hides their record for direct care; break-glass may override it. */
    dissentOverriddenByBreakGlass: boolean;
    /** Hackney: the viewer must record the person's answer before each viewing session. */
    consentToView: boolean;
    /** How long a recorded "yes" lasts (minutes). */
    consentToViewMinutes: number;
  };
  claims: {
    selfClaimHours: number;
    breakGlassHours: number;
  };
  relationships: {
    /** A finished hospital or community contact keeps the relationship this many days. */
    recentEncounterDays: number;
  };
}

const CONFIDENTIALITY = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

const EVERY_CATEGORY: DataCategory[] = [...CATEGORY_NAMES];
const SOCIAL_CARE_VIEW: DataCategory[] = ['demographics', 'social-care', 'alerts', 'medications', 'allergies', 'conditions', 'visits',
  'immunisations', 'consent', 'provenance', 'directory', 'terminology'];
const IG_VIEW: DataCategory[] = ['demographics', 'consent', 'directory', 'terminology'];
const ADMIN_VIEW: DataCategory[] = ['demographics', 'visits', 'directory', 'terminology'];

function role(code: string, name: string, categories: DataCategory[], options: Partial<Omit<RolePolicy, 'code' | 'name' | 'categories'>> = {}): RolePolicy {
  return { code, name, categories, selfClaim: false, breakGlass: false, audit: false, matchReview: false, contributeCarePlan: false, ...options };
}

export const DEFAULT_POLICY: PolicyConfig = {
  roles: [
    // Those who care for the person day to day add to their shared care plan; the plan itself stays its source's.
    role('R8000', 'Clinical Practitioner Access Role', EVERY_CATEGORY, { selfClaim: true, breakGlass: true, contributeCarePlan: true }),
    role('R8001', 'Nurse Access Role', EVERY_CATEGORY, { selfClaim: true, breakGlass: true, contributeCarePlan: true }),
    role('R8002', 'Nurse Manager Access Role', EVERY_CATEGORY, { selfClaim: true, breakGlass: true, contributeCarePlan: true }),
    role('R8003', 'Health Professional Access Role', EVERY_CATEGORY, { selfClaim: true, contributeCarePlan: true }),
    role('R8014', 'Social Worker Access Role', SOCIAL_CARE_VIEW, { selfClaim: true, contributeCarePlan: true }),
    // Child protection plans are agreed at conference and kept by the council: this role reads the shared plan only.
    role('R9535', 'Child Protection Worker', SOCIAL_CARE_VIEW, { selfClaim: true }),
    role('R9605', 'Emergency Duty Social Worker', SOCIAL_CARE_VIEW, { selfClaim: true, breakGlass: true, contributeCarePlan: true }),
    role('R8008', 'Admin/Clinical Support Access Role', ADMIN_VIEW),
    role('R8009', 'Receptionist Access Role', ADMIN_VIEW),
    role('R8010', 'Clerical Access Role', ['demographics', 'directory', 'terminology']),
    role('R8013', 'Health Records Manager Access Role', ['demographics', 'directory', 'provenance', 'terminology'], { matchReview: true }),
    role('R0001', 'Privacy Officer', IG_VIEW, { audit: true }),
    role('R5105', 'Caldicott Guardian', IG_VIEW, { audit: true }),
    role('citizen', 'The person themselves', EVERY_CATEGORY),
  ],
  agreements: [
    {
      id: 'direct-care-all',
      name: 'Regional shared care record: all partners share for direct care',
      from: ['*'],
      to: ['*'],
      categories: ['*'],
      purposes: ['direct-care'],
    },
  ],
  sources: {},
  sensitiveLabels: [
    { system: CONFIDENTIALITY, code: 'R' },
    { system: CONFIDENTIALITY, code: 'V' },
    { system: ACT_CODE, code: 'SEX' },
    { system: ACT_CODE, code: 'STD' },
    { system: ACT_CODE, code: 'HIV' },
    { system: ACT_CODE, code: 'PSY' },
    { system: ACT_CODE, code: 'ETH' },
    { system: ACT_CODE, code: 'SDV' },
  ],
  withheldLabels: [{ system: ACT_CODE, code: 'NOSHARE' }],
  consent: { dissentOverriddenByBreakGlass: true, consentToView: false, consentToViewMinutes: 60 },
  claims: { selfClaimHours: 24, breakGlassHours: 4 },
  relationships: { recentEncounterDays: 30 },
};

/** The default policy with a deployment's file (and explicit overrides) laid over it; throws on nonsense. */
export function loadPolicy(file?: string, overrides: Partial<PolicyConfig> = {}): PolicyConfig {
  const fromFile = file ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<PolicyConfig>) : {};
  const merged: PolicyConfig = {
    ...DEFAULT_POLICY,
    ...fromFile,
    ...overrides,
    consent: { ...DEFAULT_POLICY.consent, ...fromFile.consent, ...overrides.consent },
    claims: { ...DEFAULT_POLICY.claims, ...fromFile.claims, ...overrides.claims },
    relationships: { ...DEFAULT_POLICY.relationships, ...fromFile.relationships, ...overrides.relationships },
  };
  checkPolicy(merged, file ?? 'the policy');
  return merged;
}

function checkPolicy(policy: PolicyConfig, where: string): void {
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}`);
  };
  const codes = new Set<string>();
  for (const r of policy.roles) {
    if (!r.code || codes.has(r.code)) fail(`role codes must be present and unique (${r.code})`);
    codes.add(r.code);
    for (const c of r.categories) if (!isDataCategory(c)) fail(`role ${r.code} names an unknown category '${c}'`);
  }
  for (const a of policy.agreements) {
    // An agreement with an empty side would mean nothing, or, read carelessly, everything: refuse it.
    if (!a.id || a.from.length === 0 || a.to.length === 0 || a.categories.length === 0 || a.purposes.length === 0) {
      fail(`agreement '${a.id}' must name organisations on both sides, categories and purposes`);
    }
    for (const c of a.categories) if (c !== '*' && !isDataCategory(c)) fail(`agreement ${a.id} names an unknown category '${c}'`);
  }
  for (const n of [policy.claims.selfClaimHours, policy.claims.breakGlassHours, policy.consent.consentToViewMinutes, policy.relationships.recentEncounterDays]) {
    if (!(typeof n === 'number' && n > 0)) fail('durations must be positive numbers');
  }
}

export function rolePolicy(policy: PolicyConfig, code: string | undefined): RolePolicy | undefined {
  return code === undefined ? undefined : policy.roles.find((r) => r.code === code);
}
