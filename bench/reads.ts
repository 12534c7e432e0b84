// Read latency: Patient by id, random ids from the loaded data, in-process (repo.read) and over HTTP.
import type { Platform } from '../src/server/platform.ts';
import { getJson } from './bench-server.ts';
import type { HttpTarget } from './ingest.ts';
import { pick, seededRandom, timeSequential, type LatencyStats } from './measure.ts';

export interface ReadFigures {
  inProcess: LatencyStats & { method: string };
  http: LatencyStats & { method: string };
  patients: number;
}

export async function patientIds(platform: Platform): Promise<string[]> {
  const { rows } = await platform.driver.query<{ id: string }>("SELECT id FROM resource WHERE type = 'Patient' AND NOT deleted ORDER BY id");
  return rows.map((r) => r.id);
}

export async function measureReads(platform: Platform, target: HttpTarget, options: { iterations: number; warmup: number }): Promise<ReadFigures> {
  const ids = await patientIds(platform);
  const local = seededRandom(11);
  const inProcess = await timeSequential(() => platform.repo.read('Patient', pick(local, ids)), options);
  const remote = seededRandom(12);
  const http = await timeSequential(() => getJson(target, `Patient/${pick(remote, ids)}`), options);
  return {
    patients: ids.length,
    inProcess: { method: `repo.read('Patient', id), uniformly random among ${ids.length} patients, sequential`, ...inProcess },
    http: { method: 'GET /fhir/Patient/{id} with bearer token over one keep-alive connection, body read and parsed, sequential', ...http },
  };
}
