// Walks the audit chain in seq order, recomputing every hash outside the database, and reports
// changed rows, missing rows and a head that does not match: what triggers cannot stop (a
// superuser disabling them) the chain still shows. Reads in batches, so memory stays constant.
import { createHash } from 'node:crypto';
import type { Queryable } from '../../store/driver.ts';

export type ChainProblemKind = 'hash-mismatch' | 'gap' | 'head-mismatch' | 'head-missing' | 'anchor-mismatch';

export interface ChainProblem {
  kind: ChainProblemKind;
  /** The first seq concerned. */
  seq: string;
  message: string;
}

export interface ChainHead {
  seq: string;
  /** sha256 in hex. */
  hash: string;
}

export interface VerifyOptions {
  batchSize?: number;
  /** A head exported earlier (`sharedcare audit head`): the row at its seq must still have its hash. */
  anchor?: ChainHead;
  /** Stop collecting problems after this many (the first is what matters). */
  maxProblems?: number;
}

export interface VerifyResult {
  ok: boolean;
  /** Rows walked. */
  checked: number;
  head?: ChainHead;
  /** The lowest seq at which the chain is broken. */
  firstBroken?: string;
  problems: ChainProblem[];
}

/** The chain starts from 32 zero bytes (the head row's initial hash). */
export const GENESIS_HASH = Buffer.alloc(32);

/** sha256(previous || 8-byte big-endian seq || UTF-8 text), as `sha256(hash || int8send(seq) || convert_to(event, 'UTF8'))` in SQL. */
export function chainHash(previous: Buffer, seq: bigint, event: string): Buffer {
  const seqBytes = Buffer.alloc(8);
  seqBytes.writeBigInt64BE(seq);
  return createHash('sha256').update(previous).update(seqBytes).update(event, 'utf8').digest();
}

/** The current chain head, or undefined if its row is gone. */
export async function readChainHead(q: Queryable): Promise<ChainHead | undefined> {
  const { rows } = await q.query<{ seq: string; hash: string }>("SELECT seq, encode(hash, 'hex') AS hash FROM audit_head WHERE id = 1");
  return rows[0] ? { seq: String(rows[0].seq), hash: rows[0].hash } : undefined;
}

interface ChainRow {
  seq: string;
  event: string;
  hash: string;
}

/** Verifies the whole chain up to the head as it was when the walk began (later appends are left for the next run). */
export async function verifyAuditChain(q: Queryable, options: VerifyOptions = {}): Promise<VerifyResult> {
  const batchSize = options.batchSize ?? 1000;
  const maxProblems = options.maxProblems ?? 100;
  const problems: ChainProblem[] = [];
  const report = (kind: ChainProblemKind, seq: bigint | string, message: string) => {
    if (problems.length < maxProblems) problems.push({ kind, seq: String(seq), message });
  };
  // Read the head first: every row up to it was committed with it, so the walk is consistent.
  const head = await readChainHead(q);
  if (!head) report('head-missing', 0n, 'The chain head row is missing');
  const limit = head ? BigInt(head.seq) : undefined;
  let previous = GENESIS_HASH;
  let expected = 1n;
  let checked = 0;
  let anchorSeen = false;
  for (;;) {
    const { rows } = await q.query<ChainRow>(
      `SELECT seq, event, encode(hash, 'hex') AS hash FROM audit_event
        WHERE seq >= $1::bigint AND ($2::bigint IS NULL OR seq <= $2::bigint) ORDER BY seq LIMIT $3`,
      [expected.toString(), limit?.toString() ?? null, batchSize],
    );
    for (const row of rows) {
      const seq = BigInt(row.seq);
      if (seq !== expected) report('gap', expected, `Rows ${expected}–${seq - 1n} are missing`);
      const computed = chainHash(previous, seq, row.event).toString('hex');
      if (computed !== row.hash) report('hash-mismatch', seq, `Row ${seq} does not match its hash: its text or the row before it was changed`);
      if (options.anchor && row.seq === options.anchor.seq) {
        anchorSeen = true;
        if (row.hash !== options.anchor.hash.toLowerCase()) report('anchor-mismatch', seq, `Row ${seq} no longer has the exported hash`);
      }
      // Go on from the stored hash, so one changed row is reported once, not for every row after it.
      previous = Buffer.from(row.hash, 'hex');
      expected = seq + 1n;
      checked++;
    }
    if (rows.length < batchSize) break;
  }
  if (head) checkHead(head, expected - 1n, previous, report);
  if (options.anchor && !anchorSeen) report('anchor-mismatch', options.anchor.seq, `Row ${options.anchor.seq} of the exported head is missing`);
  const broken = problems.map((p) => BigInt(p.seq)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[0];
  return { ok: problems.length === 0, checked, ...(head ? { head } : {}), ...(broken !== undefined ? { firstBroken: broken.toString() } : {}), problems };
}

function checkHead(head: ChainHead, last: bigint, lastHash: Buffer, report: (kind: ChainProblemKind, seq: bigint, message: string) => void): void {
  const headSeq = BigInt(head.seq);
  if (last !== headSeq) {
    report(last < headSeq ? 'gap' : 'head-mismatch', last + 1n, `The head is at ${headSeq} but the last row is ${last}`);
  } else if (headSeq > 0n && lastHash.toString('hex') !== head.hash) {
    report('head-mismatch', headSeq, `The head's hash does not match row ${headSeq}`);
  } else if (headSeq === 0n && head.hash !== GENESIS_HASH.toString('hex')) {
    report('head-mismatch', 0n, 'The head of an empty chain has been changed');
  }
}
