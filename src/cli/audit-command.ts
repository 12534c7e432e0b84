// `sharedcare audit`: verifies the hash-chained audit trail, prints its head for safe keeping,
// runs the information-governance reports and records a privacy officer's reviews, on the same
// database the server uses. Reports and reviews are themselves audited.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { AccessRecord } from '../governance/audit/access-record.ts';
import { appendAudit } from '../governance/audit/audit-log.ts';
import { isReviewOutcome, recordAuditReview } from '../governance/audit/audit-review.ts';
import { patientRef } from '../governance/audit/audit-search.ts';
import { type AuditReport, isReportName, REPORT_NAMES, type ReportOptions, runAuditReport } from '../governance/audit/reports.ts';
import { readChainHead, verifyAuditChain, type VerifyResult } from '../governance/audit/verify.ts';
import { FhirError } from '../fhir/errors.ts';
import type { Driver } from '../store/driver.ts';
import { withCliPlatform } from './cli-platform.ts';
import { actorOf, out, table, usage } from './link-store-cli.ts';

export const AUDIT_HELP = `sharedcare audit verify [--anchor SEQ:HASH] [--json]
sharedcare audit head
sharedcare audit report access-log --patient ID… [--since DATE] [--until DATE] [--format table|json]
sharedcare audit report break-glass|self-claim [--review pending|reviewed] [--since DATE] [--format table|json]
sharedcare audit report consent-refusals|weekly-views [--since DATE] [--until DATE] [--format table|json]
sharedcare audit review SEQ --outcome appropriate|inappropriate --note "why" [--by NAME]

  Every request touching personal data writes an IHE BALP AuditEvent, hash-chained to the one
  before. verify recomputes the chain and reports changed or missing events (exit 1); head
  prints the last seq and hash, to keep elsewhere and pass back as --anchor. Reports: who
  viewed a person's records, break-glass and self-claimed access with their reviews, consent
  refusals, record views per week, organisation and role. review records a Privacy Officer's
  judgement of one event (--by names the reviewer; default: the operating-system user).

  --limit N      rows per report (default 1000)
  --data DIR     data directory of the embedded database (default ./data); DATABASE_URL=… for PostgreSQL`;

const CLI_SERVER = 'urn:sharedcare:cli';
/** v3-ActReason HCOMPL: health compliance, the purpose of reading and reviewing the trail. */
const COMPLIANCE = 'HCOMPL';

/** The AccessRecord of a command-line report or review, by the operating-system user. */
function cliRecord(actor: string, operation: string, query: string, patients: string[], resources: string[] = []): AccessRecord {
  return {
    interaction: 'operation', operation, action: 'E', outcome: 'success', status: 200,
    principal: { subject: actor, kind: 'system', scope: '', scopes: [] },
    requestId: randomUUID(), server: CLI_SERVER, query, resourceType: 'AuditEvent', resources, patients,
    purposeOfUse: COMPLIANCE, recorded: new Date(),
  };
}

function printVerify(result: VerifyResult): number {
  if (result.ok) {
    out(`audit trail intact: ${result.checked} event(s)${result.head ? `, head ${result.head.seq} ${result.head.hash}` : ''}`);
    return 0;
  }
  process.stderr.write(`audit trail BROKEN from seq ${result.firstBroken} (${result.checked} event(s) read):\n`);
  for (const p of result.problems) process.stderr.write(`  ${p.kind} at ${p.seq}: ${p.message}\n`);
  return 1;
}

function printReport(report: AuditReport, format: string): void {
  if (format === 'json') {
    out(JSON.stringify({ report: report.name, rows: report.rows, ...(report.next ? { next: report.next } : {}) }, null, 2));
    return;
  }
  const cell = (v: unknown) => (v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v));
  if (report.rows.length > 0) out(table([report.columns.map((c) => c.name.toUpperCase()), ...report.rows.map((r) => report.columns.map((c) => cell(r[c.name])))]));
  process.stderr.write(`${report.rows.length} row(s)${report.next ? ` · more with --cursor ${report.next}` : ''}\n`);
}

type Values = Record<string, string | boolean | string[] | undefined>;

async function report(db: Driver, name: string, values: Values): Promise<number> {
  if (!isReportName(name)) return usage(`Reports: ${REPORT_NAMES.join(', ')}`);
  const format = (values.format as string | undefined) ?? 'table';
  if (format !== 'table' && format !== 'json') return usage('--format must be table or json');
  const review = values.review;
  if (review !== undefined && review !== 'pending' && review !== 'reviewed') return usage('--review must be pending or reviewed');
  const patients = ((values.patient as string[] | undefined) ?? []).map(patientRef);
  const options: ReportOptions = {
    patients,
    ...(values.since ? { since: values.since as string } : {}),
    ...(values.until ? { until: values.until as string } : {}),
    ...(review ? { review } : {}),
    ...(values.limit ? { limit: Number(values.limit) } : {}),
    ...(values.cursor ? { cursor: values.cursor as string } : {}),
  };
  const query = `$audit-report?${new URLSearchParams([['report', name], ...patients.map((p) => ['patient', p])]).toString()}`;
  // Reading the trail about a person is itself an access to their data: audited in the same transaction.
  const result = await db.transaction(async (tx) => {
    const rows = await runAuditReport(tx, name, options);
    await appendAudit(tx, cliRecord(actorOf(values.by as string | undefined), 'audit-report', query, patients));
    return rows;
  });
  printReport(result, format);
  return 0;
}

async function review(db: Driver, seq: string | undefined, values: Values): Promise<number> {
  const outcome = values.outcome as string | undefined;
  const note = typeof values.note === 'string' ? values.note.trim() : '';
  if (!seq || !outcome || !isReviewOutcome(outcome) || !note) {
    return usage('Usage: sharedcare audit review SEQ --outcome appropriate|inappropriate --note "why"');
  }
  const reviewer = actorOf(values.by as string | undefined);
  const saved = await db.transaction(async (tx) => {
    const r = await recordAuditReview(tx, { seq, reviewer, outcome, note });
    await appendAudit(tx, cliRecord(reviewer, 'audit-review', `$audit-review?seq=${seq}`, [], [`AuditEvent/${seq}`]));
    return r;
  });
  out(`AuditEvent/${saved.seq} reviewed ${saved.outcome} by ${saved.reviewer} at ${saved.reviewedAt}`);
  return 0;
}

function parseAnchor(value: string | undefined): { seq: string; hash: string } | undefined | string {
  if (value === undefined) return undefined;
  const m = /^(\d{1,18}):([0-9a-fA-F]{64})$/.exec(value);
  return m ? { seq: m[1]!, hash: m[2]!.toLowerCase() } : '--anchor must be SEQ:HASH as printed by "sharedcare audit head"';
}

/** Runs `sharedcare audit <verify|head|report|review> …`; `args` are what follows `audit`. */
export async function runAuditCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      data: { type: 'string' }, anchor: { type: 'string' }, json: { type: 'boolean' }, patient: { type: 'string', multiple: true },
      since: { type: 'string' }, until: { type: 'string' }, review: { type: 'string' }, format: { type: 'string' },
      limit: { type: 'string' }, cursor: { type: 'string' }, outcome: { type: 'string' }, note: { type: 'string' }, by: { type: 'string' },
    },
  });
  const [action, arg] = positionals;
  if (!action || !['verify', 'head', 'report', 'review'].includes(action)) return usage(AUDIT_HELP);
  const anchor = parseAnchor(values.anchor);
  if (typeof anchor === 'string') return usage(anchor);
  if (values.limit !== undefined && !/^\d{1,5}$/.test(values.limit)) return usage('--limit must be a number');
  try {
    return await withCliPlatform(values.data, async ({ driver }) => {
      if (action === 'verify') {
        const result = await verifyAuditChain(driver, anchor ? { anchor } : {});
        if (values.json) out(JSON.stringify(result, null, 2));
        return values.json ? (result.ok ? 0 : 1) : printVerify(result);
      }
      if (action === 'head') {
        const head = await readChainHead(driver);
        if (!head) return usage('The audit chain head is missing: run "sharedcare audit verify"');
        out(`${head.seq}:${head.hash}`);
        return 0;
      }
      if (action === 'report') return arg ? report(driver, arg, values) : usage(`Name a report: ${REPORT_NAMES.join(', ')}`);
      return review(driver, arg, values);
    });
  } catch (err) {
    if (!(err instanceof FhirError) || err.category === 'fault') throw err;
    process.stderr.write(`${err.message} (${err.code})\n`);
    return 1;
  }
}
