// Loads the synthetic demo population on first start, through the same paths real data takes
// (transaction Bundles, council CSV extracts, hospital ADT feeds), so the demo is also a smoke test.
import { Readable } from 'node:stream';
import type { Bundle } from '@medplum/fhirtypes';
import { FhirError } from '../fhir/errors.ts';
import { batchLink } from '../identity/batch-link.ts';
import { importCsv } from '../ingest/csv/import-csv.ts';
import { Hl7Ingestor } from '../ingest/hl7/hl7-ingestor.ts';
import { operatorGrant } from '../governance/policy/access-grant.ts';
import { parseScopes } from '../governance/smart-scopes.ts';
import type { Principal } from '../server/auth/tokens.ts';
import type { FhirContext, FhirRequest } from '../server/fhir-request.ts';
import { dispatch } from '../server/router.ts';
import { adtMessagesFor } from './generate/adt-feed.ts';
import { councilSourceOf } from './generate/council-records.ts';
import { csvExtracts } from './generate/csv-extract.ts';
import { generatePopulation, type GenerateOptions } from './generate/generate-population.ts';

export const SYSTEM_PRINCIPAL: Principal = { subject: 'sharedcare-system', scope: 'system/*.cruds', scopes: parseScopes('system/*.cruds') };

/** Posts one transaction or batch Bundle as the system; throws the entry error on failure. */
export async function postBundle(ctx: FhirContext, bundle: Bundle, baseUrl = 'urn:sharedcare'): Promise<Bundle> {
  const req: FhirRequest = {
    method: 'POST',
    segments: [],
    query: [],
    header: (name) => (name === 'prefer' ? 'return=minimal' : undefined),
    body: bundle,
    baseUrl,
    principal: SYSTEM_PRINCIPAL,
    requestId: 'demo-load',
    grant: operatorGrant(SYSTEM_PRINCIPAL, ctx.governance),
  };
  const res = await dispatch(req, ctx);
  return res.body as Bundle;
}

export async function hasAnyPatient(ctx: FhirContext): Promise<boolean> {
  const request = ctx.repo.parseSearch('Patient', [['_count', '1'], ['_total', 'none']]);
  const result = await ctx.repo.search(request, { owner: SYSTEM_PRINCIPAL.subject });
  return result.matches.length > 0;
}

/** Loads bundles in order (shared organisations first); the shared bundle may PUT fixed ids. */
export async function loadBundles(ctx: FhirContext, bundles: Iterable<Bundle>): Promise<{ bundles: number; resources: number }> {
  const loaderCtx: FhirContext = { ...ctx, settings: { ...ctx.settings, allowUpdateCreate: true } };
  let count = 0;
  let resources = 0;
  for (const bundle of bundles) {
    try {
      await postBundle(loaderCtx, bundle);
    } catch (err) {
      if (err instanceof FhirError) throw new Error(`Bundle ${count} was refused: ${err.message}`);
      throw err;
    }
    count++;
    resources += bundle.entry?.length ?? 0;
  }
  return { bundles: count, resources };
}

/** A person bundle less what a council's case system holds: that arrives as the council's CSV extract. */
export function withoutCouncilRecords(bundles: Iterable<Bundle>): Iterable<Bundle> {
  return (function* () {
    let first = true;
    for (const bundle of bundles) {
      // The first bundle is the shared directory (teams, providers, staff), loaded whole.
      if (first) {
        first = false;
        yield bundle;
        continue;
      }
      yield { ...bundle, entry: (bundle.entry ?? []).filter((e) => councilSourceOf(e.resource) === undefined) };
    }
  })();
}

export interface DemoLoad {
  resources: number;
  /** Persons the source Patients were matched into. */
  persons: number;
  csvRows: number;
  hl7Messages: number;
  quarantined: number;
}

/**
 * Loads the synthetic population the three ways real data arrives: the health record as FHIR
 * Bundles, each council's social care as its CSV extract, each hospital's visits as its ADT feed.
 * The bad rows and messages the generator puts in on purpose land in the quarantine. Every source
 * Patient is matched to a person.
 */
export async function loadDemoPopulation(ctx: FhirContext, options: GenerateOptions): Promise<DemoLoad> {
  const { resources } = await loadBundles(ctx, withoutCouncilRecords(generatePopulation(options)));
  // The health record arrives as a back-load, matched in one batch; extracts and feeds are matched as they arrive.
  await batchLink(ctx.repo);
  let csvRows = 0;
  let quarantined = 0;
  for (const extract of csvExtracts(generatePopulation(options))) {
    for (const file of extract.files) {
      const { report } = await importCsv(ctx.ingest, Readable.from([file.content]), {
        source: extract.source, profile: extract.profile, recordType: file.recordType, origin: file.name,
      });
      csvRows += report.counts.read;
      quarantined += report.counts.quarantined;
    }
  }
  let hl7Messages = 0;
  const ingestor = new Hl7Ingestor(ctx.ingest, { origin: 'demo feed' });
  for (const feed of adtMessagesFor(generatePopulation(options))) {
    for (const message of feed.messages) {
      const result = await ingestor.handle(message, feed.source);
      hl7Messages++;
      if (result.outcome === 'quarantined') quarantined++;
    }
  }
  const persons = await ctx.repo.transaction(async (_repo, sql) => {
    const { rows } = await sql.query<{ n: string }>('SELECT count(DISTINCT person_id) AS n FROM identity_link');
    return Number(rows[0]!.n);
  });
  return { resources, persons, csvRows, hl7Messages, quarantined };
}
