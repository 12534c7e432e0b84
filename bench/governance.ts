// The cost of deciding and auditing: the same reads, searches and $everything calls, in-process,
// (a) as the store and API ran before governance (dispatch with no decision and no audit),
// (b) as sharedcare's own tools run now (decided, dispatched and audited in one transaction),
// (c) as a council social worker (role, agreements, relationships and consent looked up, then audited).
// The ratio b/a and c/a is the policy and audit cost; target ≤ 1.3 (issue 5).
import type { FhirRequest } from '../src/server/fhir-request.ts';
import { operatorGrant } from '../src/governance/policy/access-grant.ts';
import { parseScopes } from '../src/governance/smart-scopes.ts';
import type { Principal } from '../src/governance/principal.ts';
import { handleFhirRequest } from '../src/server/governed-dispatch.ts';
import { appendAudit } from '../src/governance/audit/audit-log.ts';
import { dispatch } from '../src/server/router.ts';
import { loadDemoPopulation } from '../src/cli/demo-population.ts';
import { issueToken } from '../src/server/auth/tokens.ts';
import { openBenchDatabase, type DriverName } from './bench-database.ts';
import { getJson, startBenchServer } from './bench-server.ts';
import { pick, seededRandom, timeSequential, type LatencyStats } from './measure.ts';

export interface GovernanceCase {
  name: string;
  ungoverned: LatencyStats;
  operator: LatencyStats;
  socialWorker: LatencyStats;
  ratioOperator: number;
  ratioSocialWorker: number;
  /** The best ratio any design with a durable audit row per request could reach: (ungoverned + auditFloor) / ungoverned. */
  ratioFloor: number;
  /** The same requests over HTTP (Fastify on loopback, bearer tokens, body read and parsed). */
  http: { operator: LatencyStats; socialWorker: LatencyStats };
}

export interface GovernanceResult {
  benchmark: 'governance';
  driver: DriverName;
  database: string;
  people: number;
  persons: number;
  relatedPatients: number;
  method: string;
  /** One BALP AuditEvent appended and committed in a transaction of its own: what every audited request pays at least. */
  auditFloor: LatencyStats;
  cases: GovernanceCase[];
  target: string;
}

const OPERATOR: Principal = { subject: 'benchmark', scope: 'system/*.rs', scopes: parseScopes('system/*.rs') };

export async function runGovernance(options: { driver: DriverName; people: number; seed: number; iterations: number; databaseUrl?: string }): Promise<GovernanceResult> {
  const db = await openBenchDatabase(options.driver, options.databaseUrl);
  try {
    const ctx = db.platform.fhir;
    const load = await loadDemoPopulation(ctx, { people: options.people, seed: options.seed });
    const { council, patients } = await busiestCouncil(db.platform.driver);
    const socialWorker: Principal = { subject: 'bench-sw', kind: 'user', role: 'R8014', organization: council, scope: 'user/*.rs', scopes: parseScopes('user/*.rs') };
    const request = (principal: Principal, path: string, query: Array<[string, string]> = []): FhirRequest => ({
      method: 'GET', segments: path.split('/'), query, header: () => undefined, baseUrl: 'http://bench/fhir', principal, requestId: 'bench',
    });
    const shapes: Array<{ name: string; make: (principal: Principal, id: string) => FhirRequest }> = [
      { name: 'read Patient/{id}', make: (p, id) => request(p, `Patient/${id}`) },
      { name: 'search Condition?patient={id}', make: (p, id) => request(p, 'Condition', [['patient', id]]) },
      { name: 'Patient/{id}/$everything', make: (p, id) => request(p, `Patient/${id}/$everything`) },
    ];
    const server = await startBenchServer(db.platform);
    const operatorTarget = { fhirBase: server.fhirBase, token: await issueToken(db.platform.key, { scope: 'system/*.rs', subject: 'benchmark' }) };
    const socialWorkerTarget = { fhirBase: server.fhirBase, token: await issueToken(db.platform.key, {
      scope: 'user/*.rs', subject: 'bench-sw', kind: 'user', role: 'R8014', organization: council }) };
    const pathOf = (req: FhirRequest) => `${req.segments.join('/')}${req.query.length ? `?${new URLSearchParams(req.query)}` : ''}`;
    const timing = { iterations: options.iterations, warmup: Math.min(50, options.iterations / 4), maxSeconds: 20, minIterations: 50 };
    const auditFloor = await timeSequential(() => ctx.repo.transaction((_, sql) => appendAudit(sql, {
      interaction: 'read', action: 'R', outcome: 'success', status: 200, principal: socialWorker, requestId: 'bench', server: 'http://bench/fhir',
      query: `Patient/${patients[0]}`, resourceType: 'Patient', resources: [`Patient/${patients[0]}`], patients: [`Patient/${patients[0]}`],
      purposeOfUse: 'TREAT', basis: 'episode-of-care', recorded: new Date(),
    })), timing);
    const cases: GovernanceCase[] = [];
    for (const shape of shapes) {
      const ids = (seed: number) => {
        const random = seededRandom(seed);
        return () => pick(random, patients);
      };
      const nextA = ids(1);
      const ungoverned = await timeSequential(() => dispatch({ ...shape.make(OPERATOR, nextA()), grant: operatorGrant(OPERATOR, ctx.governance) }, ctx), timing);
      const nextB = ids(1);
      const operator = await timeSequential(() => handleFhirRequest(shape.make(OPERATOR, nextB()), ctx), timing);
      const nextC = ids(1);
      const sw = await timeSequential(async () => {
        const res = await handleFhirRequest(shape.make(socialWorker, nextC()), ctx);
        if (res.status !== 200) throw new Error(`${shape.name} as the social worker answered ${res.status}`);
      }, timing);
      const nextD = ids(1);
      const httpOperator = await timeSequential(() => getJson(operatorTarget, pathOf(shape.make(OPERATOR, nextD()))), timing);
      const nextE = ids(1);
      const httpSocialWorker = await timeSequential(() => getJson(socialWorkerTarget, pathOf(shape.make(socialWorker, nextE()))), timing);
      cases.push({
        name: shape.name, ungoverned, operator, socialWorker: sw,
        ratioOperator: round(operator.p50Ms / ungoverned.p50Ms), ratioSocialWorker: round(sw.p50Ms / ungoverned.p50Ms),
        ratioFloor: round((ungoverned.p50Ms + auditFloor.p50Ms) / ungoverned.p50Ms),
        http: { operator: httpOperator, socialWorker: httpSocialWorker },
      });
    }
    await server.close();
    return {
      benchmark: 'governance', driver: options.driver, database: db.version, people: options.people, persons: load.persons, relatedPatients: patients.length, auditFloor,
      method: 'In-process FHIR requests, sequential, the same random patients (seeded) in each column: records of people with an open case at the council '
        + 'with most cases, and every record linked to them. ungoverned = dispatch without a decision or audit (the foundation path); '
        + 'operator = handleFhirRequest with a system token (transaction + audit row); socialWorker = handleFhirRequest as R8014 at that council '
        + '(relationships, dissent and agreements looked up, then audited). Ratios are of p50. http: the operator and social-worker '
        + 'requests over HTTP (Fastify on loopback, bearer token, one keep-alive connection, body read and parsed), to set beside the '
        + 'foundation benchmark\'s HTTP figures. auditFloor: one BALP AuditEvent appended (appendAudit) and committed in a transaction of its own, '
        + 'sequentially; ratioFloor = (ungoverned + auditFloor) / ungoverned, the least any design that commits a durable audit row before '
        + 'answering could cost.',
      cases,
      target: 'policy and audit cost ≤ 1.3× latency',
    };
  } finally {
    await db.drop();
  }
}

/** The council with most open cases (named by GSS code, as the extracts name it), and every record of those people. */
async function busiestCouncil(driver: { query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }> }): Promise<{ council: string; patients: string[] }> {
  const open = `e.type = 'EpisodeOfCare' AND NOT e.deleted AND e.content->>'status' = 'active'`;
  const { rows } = await driver.query<{ code: string }>(
    `SELECT e.content#>>'{managingOrganization,identifier,value}' AS code FROM resource e
      WHERE ${open} AND e.content#>>'{managingOrganization,identifier,value}' IS NOT NULL
      GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
  );
  const council = rows[0]?.code;
  if (!council) throw new Error('The demo population has no open episodes of care');
  const patients = await driver.query<{ patient_id: string }>(
    `SELECT DISTINCT mate.patient_id FROM resource e
       JOIN identity_link mine ON mine.patient_id = split_part(e.content#>>'{patient,reference}', '/', 2)
       JOIN identity_link mate ON mate.person_id = mine.person_id
      WHERE ${open} AND e.content#>>'{managingOrganization,identifier,value}' = $1`,
    [council],
  );
  return { council, patients: patients.rows.map((r) => r.patient_id) };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** p50 (p99) in ms for each case and caller, with the ratios to the ungoverned path. */
export function formatGovernanceTable(results: readonly GovernanceResult[]): string {
  const ms = (l: LatencyStats) => `${l.p50Ms.toFixed(2)} (${l.p99Ms.toFixed(2)})`;
  const lines = ['| driver | request | ungoverned p50 (p99) ms | operator | social worker | ratio operator | ratio social worker | floor (durable audit) | HTTP operator | HTTP social worker |',
    '|---|---|---|---|---|---|---|---|---|---|'];
  for (const r of results) {
    for (const c of r.cases) {
      lines.push(`| ${r.driver} | ${c.name} | ${ms(c.ungoverned)} | ${ms(c.operator)} | ${ms(c.socialWorker)} | ${c.ratioOperator} | ${c.ratioSocialWorker} | ${c.ratioFloor} | ${ms(c.http.operator)} | ${ms(c.http.socialWorker)} |`);
    }
  }
  return lines.join('\n');
}
