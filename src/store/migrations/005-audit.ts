// The append-only, hash-chained audit trail (IHE BALP AuditEvents) and its reviews.
export const name = 'audit';
export const sql = `
SELECT 1;
`;
