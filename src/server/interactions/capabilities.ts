// capabilities: GET [base]/metadata — a truthful CapabilityStatement, generated from what the
// server actually implements. See: https://hl7.org/fhir/R4/capabilitystatement.html
import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import type { FhirContext, Interaction } from '../fhir-request.ts';

export const SOFTWARE_VERSION = '0.1.0';

const COLUMN_SEARCH_PARAMS = [
  { name: '_id', type: 'token' as const, definition: 'http://hl7.org/fhir/SearchParameter/Resource-id' },
  { name: '_lastUpdated', type: 'date' as const, definition: 'http://hl7.org/fhir/SearchParameter/Resource-lastUpdated' },
];

function resourceEntry(type: string, ctx: FhirContext): CapabilityStatementRestResource {
  const params = ctx.registry.list(type);
  const entry: CapabilityStatementRestResource = {
    type: type as CapabilityStatementRestResource['type'],
    versioning: 'versioned',
    readHistory: true,
    updateCreate: ctx.settings.allowUpdateCreate,
    conditionalCreate: true,
    conditionalRead: 'not-match',
    conditionalUpdate: true,
    conditionalDelete: 'not-supported',
    referencePolicy: ['literal', 'logical'],
    interaction: ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'history-type', 'create', 'search-type'].map((code) => ({
      code: code as 'read',
    })),
    searchInclude: [`${type}:*`, ...params.filter((p) => p.type === 'reference').map((p) => `${type}:${p.code}`)],
    searchRevInclude: ['*'],
    searchParam: [
      ...COLUMN_SEARCH_PARAMS,
      ...params.map((p) => ({ name: p.code, type: p.type, definition: p.url, documentation: p.description.slice(0, 200) })),
    ],
  };
  if (type === 'Patient') {
    entry.operation = [
      { name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' },
      { name: 'match', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-match' },
      // The consolidated record across the person's linked records (docs/record/README.md).
      { name: 'summary', definition: 'urn:sharedcare:OperationDefinition:summary' },
    ];
  }
  if (type === 'ConceptMap') entry.operation = [{ name: 'translate', definition: 'http://hl7.org/fhir/OperationDefinition/ConceptMap-translate' }];
  if (type === 'Person') {
    entry.operation = [
      // Patient-everything's parameters, over the compartments of every record linked to the person.
      { name: 'everything', definition: 'urn:sharedcare:OperationDefinition:Person-everything' },
      ...['summary', 'unlink', 'link-history'].map((name) => ({ name, definition: `urn:sharedcare:OperationDefinition:${name}` })),
    ];
  }
  return entry;
}

// Per context, not per process: two platforms in one process may differ (e.g. updateCreate).
const cache = new WeakMap<FhirContext, CapabilityStatement>();

export function capabilityStatement(ctx: FhirContext, baseUrl: string): CapabilityStatement {
  const cached = cache.get(ctx) ?? buildStatement(ctx, baseUrl);
  cache.set(ctx, cached);
  return { ...cached, implementation: { ...cached.implementation!, url: baseUrl } };
}

function buildStatement(ctx: FhirContext, baseUrl: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    publisher: 'sharedcare',
    kind: 'instance',
    software: { name: 'sharedcare', version: SOFTWARE_VERSION },
    implementation: { description: 'sharedcare shared health and social care record', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        security: {
          cors: false,
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
          description: 'Bearer JWT signed by the instance key, with SMART v2 scopes (sharedcare token).',
        },
        resource: ctx.definitions.resourceTypes.map((t) => resourceEntry(t, ctx)),
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'history-system' }],
        operation: [
          { name: 'validate', definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate' },
          // sharedcare's own data-in and identity review operations; see docs and src/server/operations/.
          ...['import', 'import-csv', 'quarantine', 'quarantine-replay', 'quarantine-discard', 'lexicon-unmapped',
            'match-review', 'match-review-decide'].map((name) => ({
            name, definition: `urn:sharedcare:OperationDefinition:${name}`,
          })),
        ],
      },
    ],
  };
}

export const capabilities: Interaction = async (req, ctx) => ({ status: 200, body: capabilityStatement(ctx, req.baseUrl) });
