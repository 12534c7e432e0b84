// The one seam between sharedcare and a database: PGlite embedded, or a PostgreSQL server.
// Both speak the same SQL; everything above this file is driver-agnostic.

export interface QueryResult<R> {
  rows: R[];
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface TransactionOptions {
  /**
   * Every statement of the transaction finds its rows through an index on the values given (keys,
   * references, advisory locks) or inserts them, so its best plan does not depend on those values.
   * On a server, each prepared statement is then planned once per connection rather than on every run
   * (planning was about a third of PostgreSQL's time on an ADT message). Leave it unset wherever a
   * statement's plan should follow its values: searches by common codes, date ranges, counts.
   */
  planOnce?: boolean;
  /**
   * Advisory lock keys (from store/advisory-locks.ts, in lock order) the transaction takes as it
   * begins: on a server in the same round trip as BEGIN, one statement fewer for a writer that knows
   * its keys up front (an HL7 message: its patient and visit). The locks count as held for the
   * transaction, so later writes of those resources do not take them again.
   */
  locks?: readonly string[];
}

export interface Driver extends Queryable {
  readonly name: 'pglite' | 'postgres';
  /** Runs `fn` in one database transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/** Type OIDs read as raw strings by both drivers so they behave the same. */
export const RAW_TYPES = {
  int8: 20,
  timestamptz: 1184,
} as const;
