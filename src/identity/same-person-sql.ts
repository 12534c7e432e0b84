// Every record linked to the same person as a seed record, as SQL for governance's PersonLinks port
// (the server joins the two), found through identity_link's person_key column (migration 004).

/** Rows `(seed_key, person_key, person_id)` for each seed in `relation(person_key)` that is linked. */
export function samePersonSql(relation: string): string {
  return `SELECT s.person_key AS seed_key, mate.person_key, mine.person_id
    FROM ${relation} s
    JOIN identity_link mine ON mine.person_key = s.person_key
    JOIN identity_link mate ON mate.person_id = mine.person_id`;
}
