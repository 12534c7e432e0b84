// Who is calling: a system (a council case system, a hospital EPR, sharedcare's own tools), a
// member of staff signed in with an NHS CIS2-compatible login, or a citizen seeing their own record.
// Built from a verified access token by the server; every decision and audit record starts here.
import type { ResourceScope } from './smart-scopes.ts';

export type CallerKind = 'system' | 'user' | 'citizen';

/** v3-ActReason / v3-PurposeOfUse codes sharedcare acts on. */
export const PURPOSE = {
  /** Direct care (the default). */
  treatment: 'TREAT',
  /** Break-glass: emergency access without a legitimate relationship. */
  breakGlass: 'BTG',
  /** Secondary uses: planning and research; national and type 1 opt-outs apply. */
  operations: 'HOPERAT',
  research: 'HRESCH',
} as const;

export interface Principal {
  /** The token subject: a user id (SDS/URID or the demo IdP's id), a client id, or a citizen login. */
  subject: string;
  /** What kind of caller; tokens without a `kind` claim are systems. */
  kind?: CallerKind;
  /** Display name for audit and alerts. */
  name?: string;
  scope: string;
  scopes: ResourceScope[];
  /** Patient context for `patient/` scopes (a SMART launch, or the citizen's own record). */
  patient?: string;
  /** CIS2 job role code, e.g. R8014 Social Worker, R8000 Clinical Practitioner, R0001 Privacy Officer. */
  role?: string;
  /** ODS code of the organisation the caller acts for. */
  organization?: string;
  /** Declared purpose of use (v3-PurposeOfUse); absent means direct care. */
  purposeOfUse?: string;
  /** OAuth client the token was issued to. */
  clientId?: string;
  /** The token's `jti`, recorded in audit events. */
  tokenId?: string;
}
