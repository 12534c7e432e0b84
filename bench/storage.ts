// Storage per resource: every sharedcare table with its indexes and TOAST (pg_total_relation_size)
// after VACUUM ANALYZE, divided by the resources stored; before and after an update pass.
import type { Resource } from '@medplum/fhirtypes';
import type { Platform } from '../src/server/platform.ts';
import type { Driver } from '../src/store/driver.ts';
import { runClients } from './measure.ts';

export interface StorageFigures {
  method: string;
  currentResources: number;
  historyVersions: number;
  totalBytes: number;
  bytesPerResource: number;
  /** Divided by every stored version (current + history). */
  bytesPerVersion: number;
  avgJsonBytes: number;
  tables: Record<string, number>;
}

async function tableSizes(driver: Driver): Promise<Record<string, number>> {
  const { rows } = await driver.query<{ name: string; bytes: string }>(
    `SELECT c.relname AS name, pg_total_relation_size(c.oid)::text AS bytes
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.relname`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.bytes)]));
}

/** VACUUM ANALYZE this schema's tables (not the whole server), then CHECKPOINT where allowed. */
async function settle(driver: Driver, tables: readonly string[]): Promise<void> {
  await driver.query(`VACUUM (ANALYZE) ${tables.join(', ')}`);
  await driver.query('CHECKPOINT').catch(() => undefined);
}

export async function measureStorage(driver: Driver, label: string): Promise<StorageFigures> {
  await settle(driver, Object.keys(await tableSizes(driver)));
  const tables = await tableSizes(driver);
  const { rows } = await driver.query<{ current: string; history: string; avg_json: string }>(
    `SELECT (SELECT count(*) FROM resource WHERE NOT deleted)::text AS current,
            (SELECT count(*) FROM resource_history)::text AS history,
            (SELECT avg(octet_length(content::text)) FROM resource WHERE NOT deleted)::text AS avg_json`,
  );
  const current = Number(rows[0]!.current);
  const history = Number(rows[0]!.history);
  const totalBytes = Object.values(tables).reduce((s, v) => s + v, 0);
  return {
    method: `${label}: sum of pg_total_relation_size (heap + indexes + TOAST + FSM/VM) over every table in the schema after VACUUM (ANALYZE) and CHECKPOINT, divided by current resources; avgJsonBytes = avg(octet_length(content::text))`,
    currentResources: current,
    historyVersions: history,
    totalBytes,
    bytesPerResource: Math.round(totalBytes / current),
    bytesPerVersion: Math.round(totalBytes / (current + history)),
    avgJsonBytes: Math.round(Number(rows[0]!.avg_json)),
    tables,
  };
}

export interface UpdatePassResult {
  method: string;
  updated: number;
  seconds: number;
  updatesPerSecond: number;
}

const BENCH_TAG = { system: 'https://sharedcare.example/CodeSystem/benchmark', code: 'updated' };

/** Updates `fraction` of resources (chosen by md5 of the id): read, add a meta.tag, update — one new version each. */
export async function updatePass(platform: Platform, fraction: number, clients: number): Promise<UpdatePassResult> {
  const { rows } = await platform.driver.query<{ n: string }>('SELECT count(*)::text AS n FROM resource WHERE NOT deleted');
  const target = Math.round(Number(rows[0]!.n) * fraction);
  const { rows: picked } = await platform.driver.query<{ type: string; id: string }>(
    `SELECT type, id FROM resource WHERE NOT deleted ORDER BY md5(id) LIMIT ${target}`,
  );
  const chunks: Array<typeof picked> = [];
  for (let i = 0; i < picked.length; i += 50) chunks.push(picked.slice(i, i + 50));
  const stats = await runClients(chunks, clients, (c) => c.length, async (chunk) => {
    await platform.repo.transaction(async (repo) => {
      for (const { type, id } of chunk) {
        const resource = await repo.read(type, id);
        const tag = [...(resource.meta?.tag ?? []), BENCH_TAG];
        await repo.update({ ...resource, meta: { ...resource.meta, tag } } as Resource);
      }
    });
  });
  return {
    method: `repo.read + repo.update of ${picked.length} resources (${fraction * 100}%, each gains a meta.tag), 50 per transaction, ${clients} concurrent callers`,
    updated: picked.length,
    seconds: stats.seconds,
    updatesPerSecond: stats.resourcesPerSecond,
  };
}
