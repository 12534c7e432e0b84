// Legitimate-relationship claims (self-claim, break-glass) and consent-to-view answers.
export const name = 'governance';
export const sql = `
SELECT 1;
`;
