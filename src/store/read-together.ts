// Several keyed reads in one round trip: each part's rows travel in one UNION ALL, tagged with the
// part's number and padded with typed NULLs to the union's columns, and come back split by part.
// For reads that must all follow the same locks (an HL7 message's log entry, stored rows and source
// records), where a statement each would cost a round trip each.
import type { Queryable } from './driver.ts';
import { SqlParams } from './search/search-sql.ts';

export interface ReadPart {
  name: string;
  /** The part's columns and their SQL types, in the order its SELECT returns them. */
  columns: ReadonlyArray<readonly [name: string, type: string]>;
  /** The part's SELECT, binding its values through `param`. */
  sql: (param: (value: unknown) => string) => string;
}

export type PartRows = Map<string, Array<Record<string, unknown>>>;

/** Runs the parts as one statement; every part named has an entry, empty when it found nothing. */
export async function readTogether(q: Queryable, parts: readonly ReadPart[]): Promise<PartRows> {
  const params = new SqlParams();
  // Union column c<n> belongs to one part's column; the other parts fill it with NULL of its type.
  const union = parts.flatMap((part, index) => part.columns.map(([name, type]) => ({ index, name, type })));
  const branches = parts.map((part, index) => {
    const slots = union.map((column, c) => (column.index === index ? `p."${column.name}"` : `NULL::${column.type}`) + ` AS c${c}`);
    return `SELECT ${index} AS part, ${slots.join(', ')} FROM (${part.sql((v) => params.add(v))}) AS p`;
  });
  const { rows } = await q.query<Record<string, unknown> & { part: number }>(branches.join('\nUNION ALL\n'), params.values);
  const byPart: PartRows = new Map(parts.map((part) => [part.name, []]));
  for (const row of rows) {
    const out: Record<string, unknown> = {};
    union.forEach((column, c) => { if (column.index === row.part) out[column.name] = row[`c${c}`]; });
    byPart.get(parts[row.part]!.name)!.push(out);
  }
  return byPart;
}
