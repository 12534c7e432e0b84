// POST /oauth/launch: a registered system (a council's case-management system) asks to open the
// viewer on one person, named by NHS number or Patient id, and gets a single-use launch for the
// SMART EHR launch: `{ launch, url }`, the url being `<issuer>/launch?iss=<FHIR base>&launch=<id>`.
// See: https://hl7.org/fhir/smart-app-launch/app-launch.html#launch-app-ehr-launch
import { FhirError } from '../../fhir/errors.ts';
import { isValidNhsNumber } from '../../fhir/nhs-number.ts';
import type { ClientLookup } from '../../governance/clients.ts';
import type { Principal } from '../../governance/principal.ts';
import { grantingScopes } from '../../governance/smart-scopes.ts';
import type { Driver } from '../../store/driver.ts';
import type { Repository } from '../../store/repository.ts';
import type { InstanceKey } from '../auth/instance-key.ts';
import { authenticate } from '../auth/tokens.ts';
import type { OAuthEndpoints } from './endpoints.ts';
import { formParams, type OAuthParams } from './form-params.ts';
import { auditLaunch } from './launch-audit.ts';
import { LAUNCH_LIFETIME_SECONDS, type LaunchStore } from './launch-store.ts';
import { LAUNCH_PAGE_PATH } from './launch-token.ts';
import { OAuthError } from './oauth-error.ts';
import { patientWithNhsNumber } from './patient-lookup.ts';

export interface LaunchRequest {
  key: InstanceKey;
  clients: ClientLookup;
  store: LaunchStore;
  repo: Repository;
  driver: Driver;
  endpoints: OAuthEndpoints;
  now: Date;
  requestId: string;
  network?: string;
}

export interface LaunchResponse {
  launch: string;
  url: string;
  expires_in: number;
}

/** The calling system, or invalid_token / insufficient_scope (RFC 6750 §3.1). */
async function launchingSystem(ctx: LaunchRequest, authorization: string | undefined): Promise<Principal> {
  let principal: Principal;
  try {
    principal = await authenticate(ctx.key, authorization);
  } catch (err) {
    if (err instanceof FhirError && err.category === 'unauthenticated') throw new OAuthError('invalid_token', err.message);
    throw err;
  }
  const client = principal.clientId ? await ctx.clients.get(principal.clientId) : undefined;
  if ((principal.kind ?? 'system') !== 'system' || client?.kind !== 'system') {
    throw new OAuthError('insufficient_scope', 'Only a registered system (OAuth client credentials) may ask to open the viewer on a person');
  }
  if (grantingScopes(principal.scopes, 'Patient', 'r').length === 0) throw new OAuthError('insufficient_scope', 'A launch needs a token that may read Patient (e.g. system/Patient.r)');
  return principal;
}

/** The Patient id the form names, by `nhs_number` or by `patient` (`Patient/<id>` or `<id>`). */
async function namedPatient(ctx: LaunchRequest, params: OAuthParams): Promise<string> {
  const nhsNumber = params.get('nhs_number')?.replace(/\s+/g, '');
  const patient = params.get('patient')?.replace(/^Patient\//, '');
  if ((nhsNumber === undefined) === (patient === undefined)) throw new OAuthError('invalid_request', 'Name the person by nhs_number or by patient, one of them');
  if (nhsNumber !== undefined) {
    if (!isValidNhsNumber(nhsNumber)) throw new OAuthError('invalid_request', 'nhs_number must be a valid 10-digit NHS number');
    const found = await patientWithNhsNumber(ctx.repo, nhsNumber);
    if (!found) throw new OAuthError('invalid_request', 'No record in this service has that NHS number');
    return found;
  }
  if (!/^[A-Za-z0-9\-.]{1,64}$/.test(patient!)) throw new OAuthError('invalid_request', 'patient must be Patient/<id>');
  const exists = await ctx.repo.read('Patient', patient!).then(() => true, () => false);
  if (!exists) throw new OAuthError('invalid_request', 'No record in this service has that Patient id');
  return patient!;
}

/** Creates the launch, audited whether it is granted or refused once the caller is known. */
export async function createLaunch(ctx: LaunchRequest, authorization: string | undefined, body: unknown): Promise<LaunchResponse> {
  const principal = await launchingSystem(ctx, authorization);
  const params = formParams(body);
  const audit = { principal, requestId: ctx.requestId, server: ctx.endpoints.fhirBase, ...(ctx.network ? { network: ctx.network } : {}) };
  let patient: string;
  try {
    patient = await namedPatient(ctx, params);
  } catch (err) {
    if (err instanceof OAuthError) await auditLaunch(ctx.driver, { ...audit, outcome: 'denied', status: err.status, outcomeDescription: `${err.error}: ${err.message}` });
    throw err;
  }
  // Issued before it is audited: if the audit then fails, the launch id never leaves the server.
  const launch = await ctx.store.issue({ clientId: principal.clientId!, patient }, ctx.now);
  await auditLaunch(ctx.driver, { ...audit, patient, outcome: 'success', status: 200 });
  const url = `${ctx.endpoints.issuer}${LAUNCH_PAGE_PATH}?${new URLSearchParams({ iss: ctx.endpoints.fhirBase, launch })}`;
  return { launch, url, expires_in: LAUNCH_LIFETIME_SECONDS };
}
