// PostgreSQL server driver (node-postgres pool): the production database.
import pg from 'pg';
import type { Driver, Queryable, QueryResult } from './driver.ts';
import { RAW_TYPES } from './driver.ts';

const raw = (v: string): string => v;

export class PgDriver implements Driver {
  readonly name = 'postgres' as const;
  private readonly pool: pg.Pool;

  /** `schema` isolates a database user of the server (tests run one schema per file). */
  constructor(connectionString: string, poolSize = 10, schema?: string) {
    this.pool = new pg.Pool({
      connectionString,
      max: poolSize,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === RAW_TYPES.int8 || oid === RAW_TYPES.timestamptz ? raw : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
  }

  async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    const result = await this.pool.query(sql, params as unknown[] | undefined);
    return { rows: result.rows as R[] };
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const q: Queryable = {
        query: async <R>(sql: string, params?: readonly unknown[]) => ({
          rows: (await client.query(sql, params as unknown[] | undefined)).rows as R[],
        }),
        exec: async (sql: string) => {
          await client.query(sql);
        },
      };
      const result = await fn(q);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
