// Turns the `launch` an app brings to the authorisation step into the Patient it opens: a launch id
// a system asked for (POST /oauth/launch) or a signed launch link. Checked when the sign-in page is
// shown (nothing spent, so a bad link is explained before anyone types a password) and redeemed once
// when the person has signed in. A launch says which person, never who the user is.
import type { ClientLookup } from '../../governance/clients.ts';
import type { Driver } from '../../store/driver.ts';
import type { Repository } from '../../store/repository.ts';
import type { RemoteKeySets } from './client-keys.ts';
import type { OAuthEndpoints } from './endpoints.ts';
import type { JtiStore } from './jti-store.ts';
import { auditLaunch, systemPrincipal } from './launch-audit.ts';
import type { LaunchLookup, LaunchStore } from './launch-store.ts';
import { isSignedLaunch, verifySignedLaunch, type SignedLaunch } from './launch-token.ts';
import { OAuthError } from './oauth-error.ts';
import { patientWithNhsNumber } from './patient-lookup.ts';

export interface LaunchDependencies {
  store: LaunchStore;
  jtis: JtiStore;
  /** The registered clients (a launch's system must still be registered when it is used). */
  clients: ClientLookup;
  remoteKeys: RemoteKeySets;
  repo: Repository;
  driver: Driver;
}

/** The request a launch arrives with, for the audience check and the audit trail. */
export interface LaunchArrival {
  endpoints: OAuthEndpoints;
  now: Date;
  requestId: string;
  network?: string;
}

export type LaunchResolution = { ok: true; patient: string } | { ok: false; message: string };

const AGAIN = 'Open the record again from your case-management system.';
const REASONS: Record<Exclude<LaunchLookup, { ok: true }>['reason'], string> = {
  unknown: 'This link to open a record is not known to this service.',
  used: 'This link to open a record has already been used.',
  expired: 'This link to open a record has expired: links last five minutes.',
};

const refused = (message: string): LaunchResolution => ({ ok: false, message: `${message} ${AGAIN}` });
/** The jti of a signed launch, kept apart from the same client's assertion jtis. */
const launchJti = (jti: string): string => `launch:${jti}`;

export class LaunchContexts {
  private readonly deps: LaunchDependencies;

  constructor(deps: LaunchDependencies) {
    this.deps = deps;
  }

  /** Whether the launch could open a record now; spends nothing. */
  check(launch: string, arrival: LaunchArrival): Promise<LaunchResolution> {
    return isSignedLaunch(launch) ? this.signed(launch, arrival, false) : this.stored(launch, arrival, false);
  }

  /** Spends the launch and returns the Patient it opens. */
  redeem(launch: string, arrival: LaunchArrival): Promise<LaunchResolution> {
    return isSignedLaunch(launch) ? this.signed(launch, arrival, true) : this.stored(launch, arrival, true);
  }

  private async stored(launch: string, arrival: LaunchArrival, spend: boolean): Promise<LaunchResolution> {
    const found = spend ? await this.deps.store.redeem(launch, arrival.now) : await this.deps.store.peek(launch, arrival.now);
    if (!found.ok) return refused(REASONS[found.reason]);
    const client = await this.deps.clients.get(found.launch.clientId);
    if (client?.kind !== 'system') return refused('The system that made this link is no longer registered with this service.');
    return { ok: true, patient: found.launch.patient };
  }

  private async signed(token: string, arrival: LaunchArrival, spend: boolean): Promise<LaunchResolution> {
    let launch: SignedLaunch;
    try {
      launch = await verifySignedLaunch({ clients: this.deps.clients, remoteKeys: this.deps.remoteKeys, now: arrival.now }, token, arrival.endpoints.issuer);
    } catch (err) {
      if (err instanceof OAuthError) return refused(`${err.message}.`);
      throw err;
    }
    const { client, jti } = launch;
    const unused = spend
      ? await this.deps.jtis.claim(client.clientId, launchJti(jti), launch.forgetAt, arrival.now)
      : !(await this.deps.jtis.isUsed(client.clientId, launchJti(jti), arrival.now));
    if (!unused) return refused(REASONS.used);
    const patient = await patientWithNhsNumber(this.deps.repo, launch.nhsNumber);
    if (!patient) return refused('No record in this service has the NHS number this link names.');
    if (spend) {
      await auditLaunch(this.deps.driver, {
        principal: systemPrincipal(client), patient, outcome: 'success', status: 200, requestId: arrival.requestId, server: arrival.endpoints.fhirBase,
        ...(arrival.network ? { network: arrival.network } : {}),
      });
    }
    return { ok: true, patient };
  }
}
