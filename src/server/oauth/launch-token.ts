// Signed launch links, for case-management systems without SMART: `<issuer>/launch?token=<JWT>`, the
// JWT signed by a registered system client's own key and naming the person by NHS number. Checked
// by the rules of a client assertion (client-assertion.ts) with `aud` = `<issuer>/launch`.
import { isValidNhsNumber } from '../../fhir/nhs-number.ts';
import type { OAuthClient } from '../../governance/clients.ts';
import { forgetJtiAt, verifyClientJwt, type ClientJwtContext } from './client-assertion.ts';
import { OAuthError } from './oauth-error.ts';

/** The viewer's launch page, beside /fhir at the issuer: the audience of a signed launch link. */
export const LAUNCH_PAGE_PATH = '/launch';

export interface SignedLaunch {
  client: OAuthClient;
  nhsNumber: string;
  jti: string;
  /** When its jti may be forgotten: it could no longer pass. */
  forgetAt: Date;
}

/** A launch id is base64url without dots; a signed launch link is a compact JWT (three parts). */
export const isSignedLaunch = (launch: string): boolean => launch.split('.').length === 3;

const refuse = (description: string): OAuthError => new OAuthError('invalid_request', description);

/** Verifies a signed launch link's JWT; throws invalid_request with what is wrong. Spends nothing. */
export async function verifySignedLaunch(ctx: ClientJwtContext, token: string, issuer: string): Promise<SignedLaunch> {
  const rules = { audience: `${issuer}${LAUNCH_PAGE_PATH}`, what: 'The launch link', refuse, requiredClaims: ['nhs_number'] };
  const { client, payload } = await verifyClientJwt(ctx, token, rules);
  // A person's record is opened by a system of the organisation that holds their case, not by an app.
  if (client.kind !== 'system') throw refuse('The launch link must be signed by a registered system');
  const nhsNumber = typeof payload.nhs_number === 'string' ? payload.nhs_number.replace(/\s+/g, '') : '';
  if (!isValidNhsNumber(nhsNumber)) throw refuse('The launch link\'s nhs_number is not a valid NHS number');
  return { client, nhsNumber, jti: payload.jti!, forgetAt: forgetJtiAt(payload) };
}
