// One poll of a MESH inbox: download each message, hand it on, remember it, then acknowledge.
// Acknowledging last means a crash re-delivers rather than loses; remembering the id first means a
// re-delivered message is skipped, so each is handled once. Error reports go to the caller, not the handler.
// See: https://digital.nhs.uk/developer/api-catalogue/message-exchange-for-social-care-and-health-api
import { MESH_INBOX_PAGE, type MeshClient, type MeshDownload } from './mesh-client.ts';
import type { SeenMessages } from './seen-messages.ts';

/** The part of MeshClient a poll uses. */
export type MeshInboxClient = Pick<MeshClient, 'mailboxId' | 'listInbox' | 'download' | 'acknowledge'>;

/** A data message, as handed to the handler. */
export interface MeshInboundMessage {
  messageId: string;
  body: Buffer;
  /** Every response header, lower case. */
  headers: Record<string, string>;
  from?: string;
  workflowId?: string;
  subject?: string;
  localId?: string;
  fileName?: string;
}

/** A MESH error report (`Mex-MessageType: REPORT`): something this mailbox sent was not delivered. */
export interface MeshReport {
  messageId: string;
  /** MESH status code, e.g. `12` (recipient not registered), `14` (undelivered after 5 days). */
  statusCode?: string;
  /** The message the report is about. */
  linkedMessageId?: string;
  description?: string;
  event?: string;
  workflowId?: string;
  localId?: string;
}

export interface MeshPollFailure {
  messageId: string;
  stage: 'seen' | 'download' | 'handle' | 'acknowledge';
  error: unknown;
}

export interface MeshPollResult {
  /** Messages downloaded in this poll, data and reports. */
  downloaded: number;
  /** Listed again after an earlier poll handled them but did not get to acknowledge; acknowledged now. */
  skippedDuplicates: number;
  reports: MeshReport[];
  /** Left in the inbox for the next poll (or, after 5 days, returned to the sender by MESH). */
  failed: MeshPollFailure[];
}

export interface MeshPollOptions {
  /** Called for each report before it is acknowledged, so an alert is not lost to a crash. */
  onReport?: (report: MeshReport) => Promise<void>;
  /** Inbox listings per poll at most (default 20): a full listing of 500 may hide more. */
  maxRounds?: number;
}

function optionalFields(headers: Record<string, string>, names: Record<string, string>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [field, header] of Object.entries(names)) if (headers[header]) fields[field] = headers[header];
  return fields;
}

/** The report a download is, or undefined for a data message. */
export function meshReportOf(download: MeshDownload): MeshReport | undefined {
  if (download.headers['mex-messagetype']?.toUpperCase() !== 'REPORT') return undefined;
  return {
    messageId: download.messageId,
    ...optionalFields(download.headers, {
      statusCode: 'mex-statuscode', linkedMessageId: 'mex-linkedmsgid', description: 'mex-statusdescription',
      event: 'mex-statusevent', workflowId: 'mex-workflowid', localId: 'mex-localid',
    }),
  };
}

function inboundMessageOf(download: MeshDownload): MeshInboundMessage {
  return {
    messageId: download.messageId,
    body: download.body,
    headers: download.headers,
    ...optionalFields(download.headers, {
      from: 'mex-from', workflowId: 'mex-workflowid', subject: 'mex-subject', localId: 'mex-localid', fileName: 'mex-filename',
    }),
  };
}

/** Polls once: lists, and processes every listed message; one message's failure does not stop the rest. */
export async function pollMeshInbox(
  client: MeshInboxClient,
  seen: SeenMessages,
  handle: (message: MeshInboundMessage) => Promise<void>,
  options: MeshPollOptions = {},
): Promise<MeshPollResult> {
  const result: MeshPollResult = { downloaded: 0, skippedDuplicates: 0, reports: [], failed: [] };
  const mailbox = client.mailboxId;
  const tried = new Set<string>();

  const step = async <T>(messageId: string, stage: MeshPollFailure['stage'], fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> => {
    try {
      return { ok: true, value: await fn() };
    } catch (error) {
      result.failed.push({ messageId, stage, error });
      return { ok: false };
    }
  };

  // True when the message left the inbox.
  const processOne = async (messageId: string): Promise<boolean> => {
    const already = await step(messageId, 'seen', () => seen.has(mailbox, messageId));
    if (!already.ok) return false;
    if (already.value) {
      result.skippedDuplicates++;
      return (await step(messageId, 'acknowledge', () => client.acknowledge(messageId))).ok;
    }
    const download = await step(messageId, 'download', () => client.download(messageId));
    if (!download.ok) return false;
    result.downloaded++;
    const report = meshReportOf(download.value);
    const handled = await step(messageId, 'handle', async () => {
      if (report) await options.onReport?.(report);
      else await handle(inboundMessageOf(download.value));
      await seen.remember(mailbox, messageId);
    });
    if (!handled.ok) return false;
    if (report) result.reports.push(report);
    return (await step(messageId, 'acknowledge', () => client.acknowledge(messageId))).ok;
  };

  for (let round = 0; round < (options.maxRounds ?? 20); round++) {
    const listed = await client.listInbox();
    let acknowledged = 0;
    for (const id of listed.filter((id) => !tried.has(id))) {
      tried.add(id);
      if (await processOne(id)) acknowledged++;
    }
    // MESH lists at most 500 ids: more may show once these have left the inbox.
    if (listed.length < MESH_INBOX_PAGE || acknowledged === 0) break;
  }
  return result;
}
