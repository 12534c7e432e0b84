// Routes a FhirRequest to its interaction by method and path shape. The HTTP adapter and the
// batch/transaction processor both dispatch through here.
import { FhirError } from '../fhir/errors.ts';
import type { FhirContext, FhirRequest, FhirResponse, Interaction } from './fhir-request.ts';
import { capabilities } from './interactions/capabilities.ts';
import { create } from './interactions/create.ts';
import { remove } from './interactions/delete.ts';
import { history } from './interactions/history.ts';
import { patch } from './interactions/patch.ts';
import { read } from './interactions/read.ts';
import { searchType } from './interactions/search-type.ts';
import { batchOrTransaction } from './interactions/transaction.ts';
import { conditionalUpdate, update } from './interactions/update.ts';
import { vread } from './interactions/vread.ts';
import { accessStatusOperation, claimAccessOperation, consentToViewOperation } from './operations/access-claims.ts';
import { routeAuditEvent } from './operations/audit-event-search.ts';
import { auditReportOperation, auditReviewOperation } from './operations/audit-reports.ts';
import { patientEverythingOperation, personEverythingOperation } from './operations/everything.ts';
import { importCsvOperation } from './operations/import-csv.ts';
import { patientSummaryOperation, personSummaryOperation } from './operations/summary.ts';
import { matchReviewDecideOperation, matchReviewOperation, personLinkHistoryOperation, personUnlinkOperation } from './operations/identity-review.ts';
import { importFhirOperation } from './operations/import-fhir.ts';
import { optOutOperation } from './operations/opt-out.ts';
import { lexiconUnmappedOperation } from './operations/lexicon-unmapped.ts';
import { patientMatchOperation } from './operations/patient-match.ts';
import { quarantineDiscardOperation, quarantineListOperation, quarantineReplayOperation } from './operations/quarantine.ts';
import { translateOperation } from './operations/translate.ts';
import { validateOperation } from './operations/validate.ts';
import { deliveriesOperation, deliveryReplayOperation } from './operations/deliveries.ts';
import { locateOperation } from './operations/locate.ts';
import { adwStayOperation, processMessageOperation } from './operations/process-message.ts';
import { subscriptionEventsOperation, subscriptionStatusOperation } from './operations/subscription-status.ts';
import { cpisAccessesOperation, cpisOperation } from './operations/cpis.ts';
import { requireType } from './rest-semantics.ts';

const notAllowed = (req: FhirRequest): FhirError =>
  new FhirError('not-allowed', 'HTTP_METHOD', `${req.method} is not allowed on /${req.segments.join('/')}`);

/** System-level operations ([base]/$name) by name and method. */
const SYSTEM_OPERATIONS: Record<string, Partial<Record<string, Interaction>>> = {
  $import: { POST: importFhirOperation },
  '$import-csv': { POST: importCsvOperation },
  $quarantine: { GET: quarantineListOperation },
  '$quarantine-replay': { POST: quarantineReplayOperation },
  '$quarantine-discard': { POST: quarantineDiscardOperation },
  '$lexicon-unmapped': { GET: lexiconUnmappedOperation },
  '$match-review': { GET: matchReviewOperation },
  '$match-review-decide': { POST: matchReviewDecideOperation },
  '$audit-report': { GET: auditReportOperation },
  '$audit-review': { POST: auditReviewOperation },
  '$deliveries': { GET: deliveriesOperation },
  '$delivery-replay': { POST: deliveryReplayOperation },
  $locate: { GET: locateOperation, POST: locateOperation },
  '$process-message': { POST: processMessageOperation },
  '$adw-stay': { GET: adwStayOperation },
};

function route(req: FhirRequest, ctx: FhirContext): Interaction {
  const s = req.segments;
  const m = req.method === 'HEAD' ? 'GET' : req.method;
  if (s.length === 0) {
    if (m === 'POST') return batchOrTransaction;
    throw notAllowed(req);
  }
  if (s[0] === 'metadata' && s.length === 1) {
    if (m === 'GET') return capabilities;
    throw notAllowed(req);
  }
  if (s[0] === '_history' && s.length === 1 && m === 'GET') return history;
  if (s.length === 1 && Object.hasOwn(SYSTEM_OPERATIONS, s[0]!)) {
    const operation = SYSTEM_OPERATIONS[s[0]!]![m];
    if (operation) return operation;
    throw notAllowed(req);
  }
  // The audit trail has its own table and routes, ahead of the generic resource ones.
  if (s[0] === 'AuditEvent') return routeAuditEvent(req);
  const type = requireType(ctx, s[0]);
  if (s.length === 1) {
    if (m === 'GET') return searchType;
    if (m === 'POST') return create;
    if (m === 'PUT' && req.query.length > 0) return conditionalUpdate;
    throw notAllowed(req);
  }
  if (s.length === 2) {
    if (s[1] === '_search' && m === 'POST') return searchType;
    if (s[1] === '_history' && m === 'GET') return history;
    if (s[1] === '$validate' && m === 'POST') return validateOperation;
    if (s[1] === '$match' && type === 'Patient') {
      if (m === 'POST') return patientMatchOperation;
      throw notAllowed(req);
    }
    if (s[1] === '$translate' && type === 'ConceptMap' && (m === 'GET' || m === 'POST')) return translateOperation;
    if (s[1]!.startsWith('$') || s[1]!.startsWith('_')) throw new FhirError('not-found', 'HTTP_UNKNOWN_OPERATION', `Unknown operation or path '${s[1]}' on ${type}`);
    if (m === 'GET') return read;
    if (m === 'PUT') return update;
    if (m === 'PATCH') return patch;
    if (m === 'DELETE') return remove;
    throw notAllowed(req);
  }
  if (s.length === 3 && s[2] === '_history' && m === 'GET') return history;
  if (s.length === 3 && s[2] === '$everything' && type === 'Patient' && m === 'GET') return patientEverythingOperation;
  if (s.length === 3 && s[2] === '$everything' && type === 'Person' && m === 'GET') return personEverythingOperation;
  if (s.length === 3 && s[2] === '$summary' && type === 'Patient' && m === 'GET') return patientSummaryOperation;
  if (s.length === 3 && s[2] === '$summary' && type === 'Person' && m === 'GET') return personSummaryOperation;
  if (s.length === 3 && type === 'Patient' && s[2] === '$access' && m === 'GET') return accessStatusOperation;
  if (s.length === 3 && type === 'Patient' && s[2] === '$claim-access' && m === 'POST') return claimAccessOperation;
  if (s.length === 3 && type === 'Patient' && s[2] === '$consent-to-view' && m === 'POST') return consentToViewOperation;
  if (s.length === 3 && type === 'Patient' && s[2] === '$opt-out' && (m === 'GET' || m === 'POST')) return optOutOperation;
  if (s.length === 3 && s[2] === '$unlink' && type === 'Person' && m === 'POST') return personUnlinkOperation;
  if (s.length === 3 && type === 'Subscription' && s[2] === '$status' && m === 'GET') return subscriptionStatusOperation;
  if (s.length === 3 && type === 'Subscription' && s[2] === '$events' && m === 'GET') return subscriptionEventsOperation;
  if (s.length === 3 && type === 'Patient' && s[2] === '$cpis' && m === 'GET') return cpisOperation;
  if (s.length === 3 && type === 'Patient' && s[2] === '$cpis-accesses' && m === 'GET') return cpisAccessesOperation;
  if (s.length === 3 && s[2] === '$link-history' && type === 'Person' && m === 'GET') return personLinkHistoryOperation;
  if (s.length === 3 && s[2] === '$translate' && type === 'ConceptMap' && (m === 'GET' || m === 'POST')) return translateOperation;
  if (s.length === 4 && s[2] === '_history' && m === 'GET') return vread;
  throw new FhirError('not-found', 'HTTP_UNKNOWN_PATH', `No FHIR interaction at /${s.join('/')}`);
}

/** Handles one FHIR request; errors propagate as FhirError for the caller to map. */
export async function dispatch(req: FhirRequest, ctx: FhirContext): Promise<FhirResponse> {
  const response = await route(req, ctx)(req, ctx);
  if (req.method !== 'HEAD') return response;
  const { body: _body, ...headOnly } = response;
  return headOnly;
}
