// OAuth clients, authorisation codes and client-assertion jti replay guard.
export const name = 'oauth';
export const sql = `
SELECT 1;
`;
