// Audit reports and reviews over HTTP: GET [base]/$audit-report?report=<name>&… returns a
// Parameters resource with one `row` per line; POST [base]/$audit-review records a privacy
// officer's judgement of one event. See docs/governance/audit.md#reports
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { FhirError, invalid } from '../../fhir/errors.ts';
import { decideAuditAccess, requireAuditReviewer } from '../../governance/audit/audit-access.ts';
import { isReviewOutcome, recordAuditReview, REVIEW_OUTCOMES } from '../../governance/audit/audit-review.ts';
import { patientRef } from '../../governance/audit/audit-search.ts';
import { type AuditReport, isReportName, REPORT_NAMES, type ReportColumn, type ReportOptions, runAuditReport } from '../../governance/audit/reports.ts';
import type { Interaction } from '../fhir-request.ts';
import { auditRestriction, withAuditSql } from './audit-event-search.ts';
import { operationInput, type OperationInput } from './operation-input.ts';

function valuePart(column: ReportColumn, value: string | number): ParametersParameter {
  switch (column.type) {
    case 'instant': return { name: column.name, valueInstant: String(value) };
    case 'integer': return { name: column.name, valueInteger: Number(value) };
    case 'code': return { name: column.name, valueCode: String(value) };
    case 'reference': return { name: column.name, valueReference: { reference: String(value) } };
    default: return { name: column.name, valueString: String(value) };
  }
}

/** The report as Parameters: `report` (its name), one `row` per line (a part per column value, repeated for lists), then `next`. */
export function reportParameters(report: AuditReport): Parameters {
  const rows: ParametersParameter[] = report.rows.map((row) => ({
    name: 'row',
    part: report.columns.flatMap((column) => {
      const value = row[column.name];
      if (value === undefined) return [];
      return (Array.isArray(value) ? value : [value]).map((v) => valuePart(column, v));
    }),
  }));
  return {
    resourceType: 'Parameters',
    parameter: [{ name: 'report', valueCode: report.name }, ...rows, ...(report.next ? [{ name: 'next', valueString: report.next }] : [])],
  };
}

/** The report's filters from the operation input; a citizen's access log covers their own records only, whatever else they name. */
function reportOptions(input: OperationInput, restrict: string[] | undefined): ReportOptions {
  const asked = input.strings('patient').map(patientRef);
  const review = input.string('review');
  if (review !== undefined && review !== 'pending' && review !== 'reviewed') {
    throw invalid('AUDIT_REPORT_PARAMETER', "'review' must be pending or reviewed", input.location('review'));
  }
  const since = input.string('since');
  const until = input.string('until');
  const limit = input.integer('_count');
  const cursor = input.string('cursor');
  const own = restrict && (asked.length > 0 ? asked.filter((p) => restrict.includes(p)) : restrict);
  return {
    patients: own && own.length > 0 ? own : asked,
    ...(restrict ? { restrictToPatients: own ?? [] } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(review ? { review } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(cursor ? { cursor } : {}),
  };
}

/** GET [base]/$audit-report?report=&patient=&since=&until=&review=&_count=&cursor= */
export const auditReportOperation: Interaction = async (req, ctx) => {
  const input = operationInput(req);
  const name = input.string('report');
  if (!name || !isReportName(name)) throw invalid('AUDIT_REPORT_PARAMETER', `'report' must be one of ${REPORT_NAMES.join(', ')}`, input.location('report'));
  const access = decideAuditAccess(req.principal, 's');
  // A citizen may ask only who viewed their own record.
  if (access.kind !== 'all' && name !== 'access-log') {
    throw new FhirError('forbidden', 'AUTH_AUDIT_ROLE', 'This report is for Privacy Officers and Caldicott Guardians');
  }
  const report = await withAuditSql(ctx, async (sql) => runAuditReport(sql, name, reportOptions(input, await auditRestriction(sql, access))));
  // This request's own audit record names every patient the report showed.
  const patients = [...new Set(report.rows.flatMap((row) => [row.patient ?? []].flat().map(String)))];
  return { status: 200, body: reportParameters(report), audit: { patients } };
};

/** POST [base]/$audit-review with `seq`, `outcome` (appropriate | inappropriate) and `note`. */
export const auditReviewOperation: Interaction = async (req, ctx) => {
  requireAuditReviewer(req.principal);
  const input = operationInput(req);
  const seq = input.string('seq');
  const outcome = input.string('outcome');
  const note = input.string('note') ?? '';
  if (!seq) throw invalid('AUDIT_REVIEW_PARAMETER', "Name the AuditEvent reviewed (seq)", input.location('seq'));
  if (!outcome || !isReviewOutcome(outcome)) {
    throw invalid('AUDIT_REVIEW_PARAMETER', `'outcome' must be one of ${REVIEW_OUTCOMES.join(', ')}`, input.location('outcome'));
  }
  const review = await withAuditSql(ctx, (sql) => recordAuditReview(sql, {
    seq, outcome, note, reviewer: req.principal.subject, ...(req.principal.name ? { reviewerName: req.principal.name } : {}),
  }));
  const body: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'id', valueString: review.id },
      { name: 'seq', valueString: review.seq },
      { name: 'outcome', valueCode: review.outcome },
      { name: 'reviewer', valueString: review.reviewer },
      { name: 'reviewedAt', valueInstant: review.reviewedAt },
    ],
  };
  return { status: 200, body };
};
