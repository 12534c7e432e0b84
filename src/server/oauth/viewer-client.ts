// The viewer (web/) is served by this server and signs people in through it: a first-party public
// client that needs no registration, whose one redirect URI is this server's own /callback, so it
// works on any host and port without a `sharedcare client add`.
import type { ClientLookup, OAuthClient } from '../../governance/clients.ts';
import type { OAuthEndpoints } from './endpoints.ts';

export const VIEWER_CLIENT_ID = 'sharedcare-viewer';
/** Where the viewer receives the code; the web app routes it. */
export const VIEWER_CALLBACK_PATH = '/callback';

/** The viewer asks for staff and citizen scopes alike; sign-in narrows them to the person's kind. */
const VIEWER_SCOPE = 'openid fhirUser profile launch launch/patient user/*.cruds patient/*.cruds';

export function viewerClient(endpoints: OAuthEndpoints): OAuthClient {
  return {
    clientId: VIEWER_CLIENT_ID,
    name: 'sharedcare record viewer',
    kind: 'user-app',
    jkuUrls: [],
    scope: VIEWER_SCOPE,
    redirectUris: [`${endpoints.issuer}${VIEWER_CALLBACK_PATH}`],
    trusted: true,
  };
}

/** The registered clients, with the viewer beside them; a registered client cannot take its id. */
export function withViewerClient(clients: ClientLookup, endpoints: OAuthEndpoints): ClientLookup {
  return { get: async (clientId) => (clientId === VIEWER_CLIENT_ID ? viewerClient(endpoints) : clients.get(clientId)) };
}
