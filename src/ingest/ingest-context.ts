// What every import path needs from the platform, passed explicitly.
import type { Queryable } from '../store/driver.ts';
import type { Repository } from '../store/repository.ts';

export interface IngestContext {
  repo: Repository;
  /** SQL outside any transaction, for the ingest tables (quarantine, runs, HL7 message log). */
  db: Queryable;
  /** Folders searched for CSV profiles by name: the deployment's own first, then the shipped `profiles/`. */
  profileDirs: readonly string[];
}
