// The FHIR REST layer's own request and response: HTTP frameworks adapt to these, so every
// interaction is a plain function testable without sockets.
import type { Resource } from '@medplum/fhirtypes';
import type { Definitions } from '../fhir/definitions.ts';
import type { SearchParamRegistry } from '../fhir/search-parameters.ts';
import type { IngestContext } from '../ingest/ingest-context.ts';
import type { Repository } from '../store/repository.ts';
import type { AccessRecord } from '../governance/audit/access-record.ts';
import type { AccessGrant, Governance } from '../governance/policy/access-grant.ts';
import type { EventsContext } from '../events/events-context.ts';
import type { Principal } from './auth/tokens.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface FhirRequest {
  method: HttpMethod;
  /** Path segments after the FHIR base, e.g. ['Patient', '123', '_history', '2']. */
  segments: string[];
  query: Array<[string, string]>;
  /** Header lookup by lower-case name. */
  header(name: string): string | undefined;
  body?: unknown;
  /** Absolute FHIR base URL without a trailing slash, e.g. http://localhost:8080/fhir */
  baseUrl: string;
  principal: Principal;
  requestId: string;
  /** The caller's network address, for the audit trail. */
  network?: string;
  /** The caller's standing for this request, decided before any data is read (see governed-dispatch.ts). */
  grant?: AccessGrant;
}

export interface FhirResponse {
  status: number;
  body?: Resource;
  headers?: Record<string, string>;
  /** What an operation adds to its audit record (a claim's basis and reason, the patients it concerned). */
  audit?: Partial<Pick<AccessRecord, 'basis' | 'reason' | 'patients' | 'resources' | 'purposeOfUse'>>;
}

export interface ServerSettings {
  /** PUT to an unknown id creates it (FHIR "update as create"); off by default. */
  allowUpdateCreate: boolean;
  /** Most entries accepted in one batch or transaction Bundle. */
  maxBundleEntries: number;
  /** Resources per `$everything` page when `_count` is not given. */
  everythingPageSize: number;
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = { allowUpdateCreate: false, maxBundleEntries: 10_000, everythingPageSize: 1000 };

export interface FhirContext {
  repo: Repository;
  /** The import paths (CSV, HL7 v2, FHIR files) and their quarantine. */
  ingest: IngestContext;
  definitions: Definitions;
  registry: SearchParamRegistry;
  settings: ServerSettings;
  /** Information-governance policy and the identity links it needs. */
  governance: Governance;
  /** Subscriptions, deliveries, the locator and the notification rules. */
  events: EventsContext;
}

export type Interaction = (req: FhirRequest, ctx: FhirContext) => Promise<FhirResponse>;
