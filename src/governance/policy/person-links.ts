// Governance decides per person, but which source records are one person is the identity module's
// knowledge, and identity sits beside governance, not below it. The server hands governance this
// port, implemented by identity, so a relationship through a council's record reaches the GP's.

export interface PersonLinks {
  /**
   * SQL over a relation `relation(person_key bigint)` giving rows `(seed_key, person_key, person_id)`:
   * every record linked to the same person as each seed record (the seed itself included when linked).
   * Seeds with no link give no rows; callers keep the seeds themselves.
   */
  samePersonSql(relation: string): string;
}
