// FHIR messaging: POST [base]/$process-message with a Bundle of type `message`. sharedcare takes the
// Care Act Schedule 3 (ADW) messages: hospitals' assessment, discharge and withdrawal notices, and
// councils' answers. Each is applied once to its hospital stay (a repeat is acknowledged again and
// changes nothing) and answered with a response message. GET [base]/$adw-stay shows a stay's notices
// and deadlines. See docs/events/adw.md.
import type { Bundle, Parameters } from '@medplum/fhirtypes';
import { FhirError, invalid } from '../../fhir/errors.ts';
import { adwStay, receiveAdwMessage } from '../../events/adw/adw-inbox.ts';
import type { AdwMessage } from '../../events/adw/adw-message.ts';
import type { FhirRequest, Interaction } from '../fhir-request.ts';
import { operationInput } from './operation-input.ts';

/** Only the sender named in the message may send it: the hospital for notices, the council for answers. */
function requireSender(req: FhirRequest, message: AdwMessage): void {
  if (req.grant?.callerClass === 'operator') return;
  const org = req.principal.organization;
  const sender = message.kind === 'response' ? [message.council.gss, message.council.ods] : [message.stay.hospital.ods];
  if (req.grant?.callerClass !== 'system' || !org || !sender.includes(org)) {
    throw new FhirError('forbidden', 'ADW_SENDER', message.kind === 'response'
      ? 'Only the council a notice was sent to may answer it' : 'Only the hospital the stay is at may send its notices');
  }
}

export const processMessageOperation: Interaction = async (req, ctx) => {
  const bundle = req.body as Bundle | undefined;
  if (bundle?.resourceType !== 'Bundle' || bundle.type !== 'message') {
    throw invalid('MESSAGE_BUNDLE', '$process-message takes a Bundle of type message', 'Bundle.type');
  }
  if (req.query.some(([k, v]) => k === 'async' && v === 'true')) throw new FhirError('unsupported', 'MESSAGE_ASYNC', 'Messages are processed synchronously here');
  const receipt = await ctx.repo.transaction(async (repo, sql) => {
    const result = await receiveAdwMessage(repo, sql, bundle, new Date());
    requireSender(req, result.message);
    return result;
  });
  const ack: Bundle = {
    resourceType: 'Bundle', type: 'message', timestamp: new Date().toISOString(),
    entry: [{ fullUrl: `urn:uuid:${crypto.randomUUID()}`, resource: {
      resourceType: 'MessageHeader', eventCoding: receipt.message.event as { code: string; display: string },
      source: { name: 'sharedcare', endpoint: req.baseUrl },
      response: { identifier: receipt.message.messageId, code: 'ok' },
    } }, {
      fullUrl: `urn:uuid:${crypto.randomUUID()}`,
      resource: { resourceType: 'OperationOutcome', issue: [
        { severity: 'information', code: 'informational', diagnostics: receipt.duplicate ? 'Already received; nothing changed' : 'Received and applied' },
        ...receipt.warnings.map((w) => ({ severity: 'warning' as const, code: 'business-rule' as const, diagnostics: w })),
        ...receipt.deadlines.map((d) => ({ severity: 'information' as const, code: 'informational' as const, diagnostics: `${d.description}: due ${d.due}${d.overdue ? ' (overdue)' : ''}` })),
      ] },
    }],
  };
  return { status: 200, body: ack, audit: { resources: receipt.task ? [`Task/${receipt.task.id}`] : [], patients: receipt.task?.for?.reference ? [receipt.task.for.reference] : [] } };
};

export const adwStayOperation: Interaction = async (req, ctx) => {
  const input = operationInput(req);
  const hospital = input.string('hospital');
  const encounter = input.string('encounter');
  if (!hospital || !encounter) throw invalid('ADW_STAY_KEY', 'Name the stay: hospital (ODS code) and encounter (system|value)', hospital ? 'encounter' : 'hospital');
  const [system, value] = encounter.includes('|') ? encounter.split('|', 2) as [string, string] : ['', encounter];
  const found = await adwStay(ctx.ingest.db, `${hospital}|${system}|${value}`);
  if (!found) throw new FhirError('not-found', 'ADW_STAY_UNKNOWN', 'No notices have been received for this stay');
  const org = req.principal.organization;
  const involved = req.grant?.callerClass === 'operator' || (org && (found.state.hospitalOds === org || found.state.notices.some((n) => n.council.gss === org || n.council.ods === org)));
  if (!involved) throw new FhirError('not-found', 'ADW_STAY_UNKNOWN', 'No notices have been received for this stay');
  const body: Parameters = { resourceType: 'Parameters', parameter: [
    ...(found.state.proposedDischarge ? [{ name: 'proposedDischarge', valueDateTime: found.state.proposedDischarge }] : []),
    ...found.state.notices.map((n) => ({ name: 'notice', part: [
      { name: 'id', valueString: n.id }, { name: 'kind', valueCode: n.kind }, { name: 'event', valueCoding: { system: 'http://snomed.info/sct', code: n.eventCode } },
      { name: 'issued', valueDateTime: n.issued }, { name: 'status', valueCode: n.status },
      ...(n.response ? [{ name: 'answer', valueCode: n.response.answer }] : []),
    ] })),
    ...found.deadlines.map((d) => ({ name: 'deadline', part: [
      { name: 'what', valueCode: d.what }, { name: 'notice', valueString: d.noticeId }, { name: 'due', valueDateTime: d.due },
      { name: 'overdue', valueBoolean: d.overdue }, { name: 'description', valueString: d.description },
    ] })),
  ] };
  return { status: 200, body };
};
