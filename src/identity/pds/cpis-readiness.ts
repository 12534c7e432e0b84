// The CP-IS readiness figure: of the children a council must share with CP-IS (on a child protection
// plan or looked after, now or within the last 12 months), the share whose NHS number is verified.
// Councils must reach 95% before go-live (CP-IS NHS number matching guidance, Feb 2019).
// See: ../../../../shared/reference/uk-standards.md §4
import {
  CHILD_PROTECTION_PLAN_CODES,
  NHS_NUMBER_SYSTEM,
  NHS_NUMBER_VERIFICATION_EXTENSION,
  SNOMED_SYSTEM,
} from '../../fhir/systems.ts';
import type { Queryable } from '../../store/driver.ts';

/** Share of in-scope children with a verified NHS number a council needs before CP-IS go-live. */
export const CPIS_TARGET = 0.95;
const UNVERIFIED_LISTED = 100;

export interface CpisReadiness {
  /** The day the figure is for (`YYYY-MM-DD`). */
  asOf: string;
  inScope: number;
  verified: number;
  /** verified / inScope; null when no child is in scope. */
  share: number | null;
  meetsTarget: boolean;
  /** Source Patient ids of in-scope children without a verified number (first 100, by id). */
  unverified: string[];
}

/**
 * In scope: a source Patient under 18 (or without a birth date, e.g. unborn) who is the subject of a
 * Flag (by `code`) or CarePlan (by `category`) coded with a CP-IS plan type, not entered in error,
 * current or ended within the 12 months before `asOf`. Verified: PDS traced the record (identity_trace
 * traced or restricted), or matching read it as verified (identity_record nhsVerified) and no trace
 * conflicts with that; a Patient matching has not read yet counts when its own identifier says 01.
 */
export async function cpisReadiness(db: Queryable, options: { asOf?: string } = {}): Promise<CpisReadiness> {
  const asOf = options.asOf ?? new Date().toISOString().slice(0, 10);
  const { rows } = await db.query<{ patient_id: string; verified: boolean }>(READINESS_SQL, [
    SNOMED_SYSTEM,
    Object.values(CHILD_PROTECTION_PLAN_CODES),
    shiftYears(asOf, 0, -12),
    asOf,
    shiftYears(asOf, -18, 0),
    NHS_NUMBER_SYSTEM,
    NHS_NUMBER_VERIFICATION_EXTENSION,
  ]);
  const verified = rows.filter((r) => r.verified).length;
  const share = rows.length > 0 ? verified / rows.length : null;
  return {
    asOf,
    inScope: rows.length,
    verified,
    share,
    meetsTarget: share !== null && share >= CPIS_TARGET,
    unverified: rows.filter((r) => !r.verified).slice(0, UNVERIFIED_LISTED).map((r) => r.patient_id),
  };
}

function shiftYears(isoDate: string, years: number, months: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) throw new RangeError(`asOf must be YYYY-MM-DD, got ${isoDate}`);
  date.setUTCFullYear(date.getUTCFullYear() + years, date.getUTCMonth() + months);
  return date.toISOString().slice(0, 10);
}

// $1 SNOMED, $2 plan codes, $3 start of the 12-month window, $4 as-of day, $5 eighteenth-birthday cut-off,
// $6 NHS number system, $7 verification-status extension.
const READINESS_SQL = `
WITH plan AS (
  SELECT DISTINCT substr(r.content->'subject'->>'reference', 9) AS patient_id
    FROM resource r
   WHERE r.type IN ('Flag', 'CarePlan') AND NOT r.deleted
     AND r.content->'subject'->>'reference' LIKE 'Patient/%'
     AND coalesce(r.content->>'status', '') <> 'entered-in-error'
     AND EXISTS (
       SELECT 1
         FROM jsonb_array_elements(CASE WHEN r.type = 'Flag' THEN jsonb_build_array(r.content->'code')
                                        ELSE coalesce(r.content->'category', '[]'::jsonb) END) AS concept,
              jsonb_array_elements(coalesce(concept->'coding', '[]'::jsonb)) AS coding
        WHERE coding->>'system' = $1 AND coding->>'code' = ANY($2::text[]))
     AND coalesce(left(r.content->'period'->>'start', 10), $4) <= $4
     AND ((r.content->'period'->>'end' IS NULL AND coalesce(r.content->>'status', 'active') NOT IN ('inactive', 'completed', 'revoked'))
          OR left(r.content->'period'->>'end', 10) >= $3)
), child AS (
  SELECT p.id AS patient_id, p.content
    FROM plan JOIN resource p ON p.type = 'Patient' AND p.id = plan.patient_id AND NOT p.deleted
   WHERE p.content->>'birthDate' IS NULL OR p.content->>'birthDate' > $5
)
SELECT c.patient_id,
       (t.outcome IN ('traced', 'restricted')
        OR (coalesce(ir.features->>'nhsVerified', 'false') = 'true' AND t.outcome IS DISTINCT FROM 'conflict')
        OR (ir.patient_id IS NULL AND t.outcome IS NULL AND EXISTS (
              SELECT 1
                FROM jsonb_array_elements(coalesce(c.content->'identifier', '[]'::jsonb)) AS id,
                     jsonb_array_elements(coalesce(id->'extension', '[]'::jsonb)) AS ext,
                     jsonb_array_elements(coalesce(ext->'valueCodeableConcept'->'coding', '[]'::jsonb)) AS coding
               WHERE id->>'system' = $6 AND ext->>'url' = $7 AND coding->>'code' = '01'))) IS TRUE AS verified
  FROM child c
  LEFT JOIN identity_record ir ON ir.patient_id = c.patient_id
  LEFT JOIN identity_trace t ON t.patient_id = c.patient_id
 ORDER BY c.patient_id`;
