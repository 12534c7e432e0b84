// Reads every current resource of one type in storage order, a page at a time, for whole-population
// jobs (batch matching, exports) that must not hold a transaction or an offset open.
import type { Resource } from '@medplum/fhirtypes';
import type { Queryable } from './driver.ts';
import { hydrate, RESOURCE_COLUMNS, type StoredRow } from './stored-row.ts';

/** Yields pages of current (not deleted) resources of `type`, keyset-paged on the row id. */
export async function* scanResources(q: Queryable, type: string, pageSize = 2000): AsyncGenerator<Resource[]> {
  let after = '0';
  for (;;) {
    const { rows } = await q.query<StoredRow & { rid: string }>(
      `SELECT r.rid, ${RESOURCE_COLUMNS} FROM resource r WHERE r.type = $1 AND NOT r.deleted AND r.rid > $2 ORDER BY r.rid LIMIT $3`,
      [type, after, pageSize],
    );
    if (rows.length === 0) return;
    yield rows.map(hydrate);
    after = String(rows[rows.length - 1]!.rid);
    if (rows.length < pageSize) return;
  }
}
