// Embedded PostgreSQL (WASM) for the zero-setup default and for fast isolated tests.
import { PGlite } from '@electric-sql/pglite';
import type { Driver, Queryable, QueryResult, TransactionOptions } from './driver.ts';
import { RAW_TYPES } from './driver.ts';
import { lockKeysLiteralSql, markHeld } from './advisory-locks.ts';

const raw = (v: string): string => v;

export class PgliteDriver implements Driver {
  readonly name = 'pglite' as const;
  private readonly db: PGlite;

  private constructor(db: PGlite) {
    this.db = db;
  }

  /** Opens (creating if needed) a database in `dataDir`, or in memory when omitted. */
  static async open(dataDir?: string): Promise<PgliteDriver> {
    const db = await PGlite.create(dataDir ?? 'memory://', {
      parsers: { [RAW_TYPES.int8]: raw, [RAW_TYPES.timestamptz]: raw },
    });
    return new PgliteDriver(db);
  }

  async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    const result = await this.db.query<R>(sql, params as unknown[] | undefined);
    return { rows: result.rows };
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  /**
   * `planOnce` changes nothing here: PGlite's statements are not prepared by name, so every run is
   * planned afresh in any mode. `locks` are taken by the transaction's first statement (there is no
   * round trip to save in process).
   */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.db.transaction(async (tx) => {
      const q: Queryable = {
        query: async <R>(sql: string, params?: readonly unknown[]) => ({ rows: (await tx.query<R>(sql, params as unknown[] | undefined)).rows }),
        exec: async (sql: string) => {
          await tx.exec(sql);
        },
      };
      if (options.locks?.length) {
        await q.query(lockKeysLiteralSql(options.locks));
        markHeld(q, options.locks);
      }
      return fn(q);
    });
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
