// The ingest runs of one HL7 session (an MLLP listener, a file import): one `ingest_run` row per
// source system seen, opened on its first message, with counts written when the session finishes.
import { finishRun, ImportReport, startRun, type RecordOutcome } from '../import-report.ts';
import type { IngestContext } from '../ingest-context.ts';

export class RunBook {
  private readonly ctx: IngestContext;
  private readonly origin: string;
  private readonly runs = new Map<string, Promise<string>>();
  private readonly reports = new Map<string, ImportReport>();

  constructor(ctx: IngestContext, origin: string) {
    this.ctx = ctx;
    this.origin = origin;
  }

  /** The run for a source, started on first use. */
  runFor(source: string): Promise<string> {
    let run = this.runs.get(source);
    if (!run) {
      run = startRun(this.ctx.db, { source, channel: 'hl7', origin: this.origin });
      // A failed start is retried by the next message rather than remembered.
      run.catch(() => this.runs.delete(source));
      this.runs.set(source, run);
    }
    return run;
  }

  record(source: string, outcome: RecordOutcome): void {
    let report = this.reports.get(source);
    if (!report) this.reports.set(source, (report = new ImportReport()));
    report.record(outcome);
  }

  /** All sources' counts together. */
  get report(): ImportReport {
    const total = new ImportReport();
    for (const report of this.reports.values()) total.merge(report);
    return total;
  }

  /** Writes each run's counts (finished_at, counts) and returns the total. */
  async finish(): Promise<ImportReport> {
    for (const [source, run] of this.runs) {
      const id = await run.catch(() => undefined);
      if (id) await finishRun(this.ctx.db, id, this.reports.get(source) ?? new ImportReport());
    }
    return this.report;
  }
}
