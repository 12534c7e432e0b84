// PostgreSQL server driver (node-postgres pool): the production database.
import pg from 'pg';
import { lockKeysLiteralSql, markHeld } from './advisory-locks.ts';
import type { Driver, Queryable, QueryResult, TransactionOptions } from './driver.ts';
import { RAW_TYPES } from './driver.ts';

const raw = (v: string): string => v;

// Statements with parameters inside transactions (the write paths, the same few texts over and over)
// are prepared once per connection, so PostgreSQL skips parsing them on each run. Capped, so ad-hoc
// texts cannot grow every connection's statement cache without bound.
const MAX_PREPARED = 256;
const statementNames = new Map<string, string>();

function statementConfig(sql: string, params: readonly unknown[] | undefined): pg.QueryConfig {
  if (!params || params.length === 0) return { text: sql };
  let name = statementNames.get(sql);
  if (name === undefined) {
    if (statementNames.size >= MAX_PREPARED) return { text: sql, values: params as unknown[] };
    statementNames.set(sql, (name = `sc${statementNames.size}`));
  }
  return { name, text: sql, values: params as unknown[] };
}

/**
 * BEGIN, and in the same round trip what the options ask for at the start: plans made once
 * (SET LOCAL ends with the transaction, so the connection's next user plans per run again) and
 * the advisory locks.
 */
function beginSql(options: TransactionOptions): string {
  const statements = ['BEGIN'];
  if (options.planOnce) statements.push('SET LOCAL plan_cache_mode = force_generic_plan');
  if (options.locks?.length) statements.push(lockKeysLiteralSql(options.locks));
  return statements.join('; ');
}

export class PgDriver implements Driver {
  readonly name = 'postgres' as const;
  private readonly pool: pg.Pool;

  /** `schema` isolates a database user of the server (tests run one schema per file). */
  constructor(connectionString: string, poolSize = 10, schema?: string) {
    // Prepared statements are still planned for their parameters on every run, as unnamed ones are: a
    // generic plan made while the tables were small would otherwise stay in use as they grow. (Functions
    // that should keep one plan, such as access_standing, say so themselves, as do transactions of keyed
    // statements: TransactionOptions.planOnce.)
    const settings = ['-c plan_cache_mode=force_custom_plan', ...(schema ? [`-c search_path=${schema}`] : [])];
    this.pool = new pg.Pool({
      connectionString,
      max: poolSize,
      options: settings.join(' '),
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

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(beginSql(options));
      const q: Queryable = {
        query: async <R>(sql: string, params?: readonly unknown[]) => ({
          rows: (await client.query(statementConfig(sql, params))).rows as R[],
        }),
        exec: async (sql: string) => {
          await client.query(sql);
        },
      };
      if (options.locks) markHeld(q, options.locks);
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
