import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FhirError } from '../../fhir/errors.ts';
import { loadOrCreateInstanceKey } from './instance-key.ts';
import { authenticate, issueToken } from './tokens.ts';

const dir = mkdtempSync(join(tmpdir(), 'sharedcare-tokens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let keys = 0;
const generateInstanceKey = () => loadOrCreateInstanceKey(join(dir, `key-${++keys}.json`));

const bearer = (token: string) => `Bearer ${token}`;

async function refusal(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(FhirError);
  return (err as FhirError).message;
}

describe('authenticate (verified tokens are remembered until they expire)', () => {
  it('answers a token it verified before with the same caller, without sharing the object', async () => {
    const key = await generateInstanceKey();
    const token = await issueToken(key, { scope: 'user/*.rs', subject: 'sw-1', kind: 'user', role: 'R8014', organization: 'E09000012' });
    const first = await authenticate(key, bearer(token));
    const again = await authenticate(key, bearer(token));
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
    expect(again.role).toBe('R8014');
  });

  it('refuses a remembered token once it has expired', async () => {
    const key = await generateInstanceKey();
    const token = await issueToken(key, { scope: 'system/*.rs', expiresInSeconds: 60 });
    await authenticate(key, bearer(token));
    expect(await refusal(authenticate(key, bearer(token), Date.now() + 61_000))).toMatch(/not valid|expired/);
  });

  it('refuses a token with an altered signature, and a token of another key it verified for its own', async () => {
    const key = await generateInstanceKey();
    const other = await generateInstanceKey();
    const token = await issueToken(key, { scope: 'system/*.rs' });
    await authenticate(key, bearer(token));
    const [head, body, signature] = token.split('.');
    const altered = `${head}.${body}.${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await refusal(authenticate(key, bearer(altered)))).toMatch(/not valid/);
    expect(await refusal(authenticate(other, bearer(token)))).toMatch(/not valid/);
  });
});
