// What the server tells the audit trail about one request: who, for what purpose and on what
// basis, what was asked, what was answered, and which patients the answer concerned. The audit
// log turns it into an IHE BALP AuditEvent. No field holds personal data beyond references.
import type { Principal } from '../principal.ts';

/** BALP/FHIR AuditEvent.action: create, read, update, delete, execute (search and operations). */
export type AuditAction = 'C' | 'R' | 'U' | 'D' | 'E';

/** success → outcome 0; denied (refused by policy or token) → 4; failed (error) → 8. */
export type AuditOutcome = 'success' | 'denied' | 'failed';

/** Why the caller may see this person's record (or claims to): recorded on every event. */
export type AccessBasis =
  | 'system'
  | 'patient-self'
  | 'episode-of-care'
  | 'care-team'
  | 'referral'
  | 'encounter'
  | 'registration'
  | 'self-claimed'
  | 'break-glass'
  | 'not-person-specific';

export interface AccessRecord {
  /** FHIR restful-interaction code (BALP subtype): read, vread, history-instance, history-type, search-type, search-system, create, update, patch, delete, operation. */
  interaction: string;
  /** For interaction `operation`: its name without `$`, e.g. everything, claim-access. */
  operation?: string;
  action: AuditAction;
  outcome: AuditOutcome;
  /** The HTTP status the caller received. */
  status: number;
  /** Why a request was refused or failed: the error code and message (they never quote personal data). */
  outcomeDescription?: string;
  principal: Principal;
  /** The caller's network address. */
  network?: string;
  /** X-Request-Id (BALP entity[transaction]). */
  requestId: string;
  /** The server's FHIR base URL (BALP agent[server]). */
  server: string;
  /** Path and query string as received, e.g. `Patient?family=smith` (BALP entity[query], stored base64). */
  query?: string;
  /** The resource type the request named, if any. */
  resourceType?: string;
  /** Resources read or written, as `Type/id` (BALP entity[data]). */
  resources: string[];
  /** Every distinct patient the request read or wrote data about, as `Patient/id` (one BALP entity[patient] each). */
  patients: string[];
  /** The purpose of use the access was made for (v3-PurposeOfUse, e.g. TREAT, BTG). */
  purposeOfUse: string;
  basis?: AccessBasis;
  /** The reason given for a self-claim, break-glass or consent-to-view answer. */
  reason?: string;
  /** When the access happened (UTC). */
  recorded: Date;
}
