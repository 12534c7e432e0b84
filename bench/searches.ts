// Five typical searches and Patient/$everything, with values drawn from the loaded data, timed
// in-process (repository) and over HTTP. Each case also reports how many resources a call returned.
import type { Bundle, Encounter, Observation, Patient } from '@medplum/fhirtypes';
import { NHS_NUMBER_SYSTEM } from '../src/fhir/systems.ts';
import type { Platform } from '../src/server/platform.ts';
import { getJson } from './bench-server.ts';
import type { HttpTarget } from './ingest.ts';
import { timeSequential, type LatencyStats, type SequentialOptions } from './measure.ts';

type Query = Array<[string, string]>;

export interface SearchCase {
  name: string;
  type: string;
  /** Example query string, for the report. */
  example: string;
  queries: Query[];
}

export interface CaseFigures {
  name: string;
  example: string;
  distinctValues: number;
  inProcess: LatencyStats & { avgReturned: number };
  http: LatencyStats & { avgReturned: number };
}

async function sample<T>(platform: Platform, type: string, n: number): Promise<T[]> {
  const { rows } = await platform.driver.query<{ content: T }>(
    `SELECT content FROM resource WHERE type = $1 AND NOT deleted ORDER BY md5(id) LIMIT ${n}`,
    [type],
  );
  return rows.map((r) => r.content);
}

const nhsNumberOf = (p: Patient): string | undefined => p.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM)?.value;

function monthWindow(start: string): Query {
  const [y, m] = start.slice(0, 7).split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return [['date', `ge${start.slice(0, 7)}-01`], ['date', `lt${next}-01`]];
}

/** Builds the five cases from a sample of the stored patients, observations and encounters. */
export async function buildSearchCases(platform: Platform, size = 200): Promise<SearchCase[]> {
  const patients = await sample<Patient>(platform, 'Patient', size);
  const observations = (await sample<Observation>(platform, 'Observation', size)).filter((o) => o.subject?.reference && o.code?.coding?.[0]?.code);
  const encounters = (await sample<Encounter>(platform, 'Encounter', size)).filter((e) => e.period?.start);
  const nhs = patients.map(nhsNumberOf).filter((n): n is string => !!n);
  const named = patients.filter((p) => p.name?.[0]?.family && p.birthDate);
  const cases: SearchCase[] = [
    { name: 'Patient by NHS number', type: 'Patient', queries: nhs.map((n) => [['identifier', `${NHS_NUMBER_SYSTEM}|${n}`]]), example: '' },
    { name: 'Patient by family + birthdate', type: 'Patient', queries: named.map((p) => [['family', p.name![0]!.family!], ['birthdate', p.birthDate!]]), example: '' },
    {
      name: 'Observations of a patient by code',
      type: 'Observation',
      queries: observations.map((o) => {
        const c = o.code!.coding![0]!;
        return [['subject', o.subject!.reference!], ['code', `${c.system ?? ''}|${c.code}`]];
      }),
      example: '',
    },
    { name: 'Encounters in a month', type: 'Encounter', queries: encounters.map((e) => monthWindow(e.period!.start!)), example: '' },
    { name: 'Observations chained on NHS number', type: 'Observation', queries: nhs.map((n) => [['subject.identifier', `${NHS_NUMBER_SYSTEM}|${n}`]]), example: '' },
  ];
  for (const c of cases) c.example = `${c.type}?${new URLSearchParams(c.queries[0]).toString()}`;
  return cases;
}

/** Times one case both ways; each iteration takes the next value from its pool. */
export async function measureCase(platform: Platform, target: HttpTarget, c: SearchCase, options: SequentialOptions): Promise<CaseFigures> {
  let returned = 0;
  const query = (i: number) => c.queries[i % c.queries.length]!;
  const inProcess = await timeSequential(async (i) => {
    const result = await platform.repo.search(platform.repo.parseSearch(c.type, query(i)), { owner: 'benchmark', query: query(i) });
    if (i >= options.warmup) returned += result.matches.length;
  }, options);
  const inProcessReturned = returned / inProcess.iterations;
  returned = 0;
  const http = await timeSequential(async (i) => {
    const bundle = await getJson<Bundle>(target, `${c.type}?${new URLSearchParams(query(i)).toString()}`);
    if (i >= options.warmup) returned += bundle.entry?.length ?? 0;
  }, options);
  return {
    name: c.name,
    example: c.example,
    distinctValues: c.queries.length,
    inProcess: { ...inProcess, avgReturned: round1(inProcessReturned) },
    http: { ...http, avgReturned: round1(returned / http.iterations) },
  };
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

export interface EverythingFigures extends Omit<CaseFigures, 'example' | 'distinctValues'> {
  method: string;
  people: Array<{ id: string; resources: number }>;
}

/** $everything for the people with the most resources (the generator's heavy records). */
export async function measureEverything(platform: Platform, target: HttpTarget, options: SequentialOptions): Promise<EverythingFigures> {
  const { rows } = await platform.driver.query<{ id: string; n: string }>(
    `SELECT p.id, x.n::text AS n FROM (SELECT person_key, count(*) AS n FROM resource WHERE person_key IS NOT NULL AND NOT deleted
       GROUP BY person_key ORDER BY count(*) DESC LIMIT 4) x
     JOIN resource p ON p.person_key = x.person_key AND p.type = 'Patient' ORDER BY x.n DESC`,
  );
  const people = rows.map((r) => ({ id: r.id, resources: Number(r.n) }));
  let returned = 0;
  const inProcess = await timeSequential(async (i) => {
    const result = await platform.repo.everything(people[i % people.length]!.id, { count: 1000 });
    if (i >= options.warmup) returned += result.matches.length;
  }, options);
  const inProcessReturned = returned / inProcess.iterations;
  returned = 0;
  const http = await timeSequential(async (i) => {
    const bundle = await getJson<Bundle>(target, `Patient/${people[i % people.length]!.id}/$everything`);
    if (i >= options.warmup) returned += bundle.entry?.length ?? 0;
  }, options);
  return {
    name: 'Patient/$everything',
    method: `the ${people.length} people with the most resources in turn; in-process repo.everything(id, {count: 1000}) (one page), HTTP GET Patient/{id}/$everything (default page size), body read and parsed`,
    people,
    inProcess: { ...inProcess, avgReturned: round1(inProcessReturned) },
    http: { ...http, avgReturned: round1(returned / http.iterations) },
  };
}
