// The data-in figures in latest.json and the table printed after a run, beside the targets.
import type { AdtFigures } from './adt-sender.ts';
import type { DataInResult } from './data-in.ts';

/** From the data-in issue: what sharedcare should reach (into PostgreSQL). */
export const DATA_IN_TARGETS = {
  csvRowsPerSecondPostgres: 5000,
  adtMessagesPerSecondPostgres: 500,
} as const;

const adt = (a: AdtFigures) => ({
  connections: a.connections,
  messagesPerSecond: a.messagesPerSecond,
  ackP50Ms: a.ackLatency.p50Ms,
  ackP99Ms: a.ackLatency.p99Ms,
  acks: a.acks,
});

export function dataInHeadline(r: DataInResult) {
  return {
    driver: r.driver,
    people: r.people,
    csv: { rows: r.csv.rows, rowsPerSecond: r.csv.rowsPerSecond, reloadRowsPerSecond: r.csv.reload.rowsPerSecond, quarantined: r.csv.quarantined },
    adt: { oneConnection: adt(r.adt.oneConnection), fourConnections: adt(r.adt.fourConnections) },
  };
}

const int = (n: number) => n.toLocaleString('en-GB');
const ms = (a: AdtFigures) => `${a.ackLatency.p50Ms.toFixed(2)} / ${a.ackLatency.p99Ms.toFixed(2)}`;

export function formatDataInTable(results: readonly DataInResult[]): string {
  const rows: string[][] = [
    ['data in', ...results.map((r) => r.driver), 'target'],
    ['CSV rows imported', ...results.map((r) => int(r.csv.rows)), ''],
    ['CSV import (rows/s)', ...results.map((r) => int(r.csv.rowsPerSecond)), `≥${int(DATA_IN_TARGETS.csvRowsPerSecondPostgres)} (pg)`],
    ['CSV reload, unchanged (rows/s)', ...results.map((r) => int(r.csv.reload.rowsPerSecond)), ''],
    ['ADT over MLLP, 1 connection (msg/s)', ...results.map((r) => int(r.adt.oneConnection.messagesPerSecond)), ''],
    ['  ACK p50/p99 (ms)', ...results.map((r) => ms(r.adt.oneConnection)), ''],
    ['ADT over MLLP, 4 connections (msg/s)', ...results.map((r) => int(r.adt.fourConnections.messagesPerSecond)), `≥${DATA_IN_TARGETS.adtMessagesPerSecondPostgres} (pg)`],
    ['  ACK p50/p99 (ms)', ...results.map((r) => ms(r.adt.fourConnections)), ''],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
