// `sharedcare client add | list | remove`, run in-process against one data directory (or a private
// PostgreSQL schema on the PostgreSQL run).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { runClientCommand } from '../../src/cli/client-command.ts';
import { runCommand, useCliDatabase } from '../support/cli-database.ts';

const dir = useCliDatabase('client-cli');
const data = join(dir, 'data');
const run = (args: string[]) => runCommand(runClientCommand, [...args, '--data', data]);

describe('sharedcare client', () => {
  it('adds a system client from a JWKS file and lists it', async () => {
    const { publicKey } = await generateKeyPair('ES384');
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] }));
    const added = await run(['add', '--id', 'hackney-case', '--name', 'Hackney case system', '--jwks', file, '--scope', 'system/*.rs', '--org', 'E09000012']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('registered hackney-case (system)');
    const list = await run(['list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ clientId: 'hackney-case', kind: 'system', organization: 'E09000012', scope: 'system/*.rs' })]);
    expect((await run(['list'])).stdout).toMatch(/^hackney-case\tsystem\tHackney case system\tE09000012\tsystem\/\*\.rs\tjwks\(1\)\t-/);
  });

  it('adds a public app with redirect URIs and a system client with a jku URL', async () => {
    const app = await run(['add', '--id', 'viewer', '--name', 'Viewer', '--scope', 'openid user/*.rs', '--redirect-uri', 'https://app.example/cb', '--redirect-uri', 'http://127.0.0.1:5173/cb']);
    expect(app.code, app.stderr).toBe(0);
    expect(app.stdout).toContain('(user-app)');
    const jku = await run(['add', '--id', 'gp-system', '--name', 'GP system', '--scope', 'system/Patient.rs', '--jku', 'https://gp.example/jwks.json']);
    expect(jku.code, jku.stderr).toBe(0);
  });

  it('refuses private keys, http URLs, missing keys, bad kinds and taken ids (exit 2)', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const file = join(dir, 'private.json');
    writeFileSync(file, JSON.stringify({ keys: [await exportJWK(privateKey)] }));
    const leaked = await run(['add', '--id', 'leaky', '--name', 'Leaky', '--jwks', file, '--scope', 'system/*.rs']);
    expect(leaked.code).toBe(2);
    expect(leaked.stderr).toMatch(/private key material/);
    expect((await run(['add', '--id', 'insecure', '--name', 'X', '--scope', 'system/*.rs', '--jku', 'http://evil.example/jwks'])).stderr).toMatch(/https/);
    expect((await run(['add', '--id', 'keyless', '--name', 'X', '--scope', 'system/*.rs'])).stderr).toMatch(/needs a JWKS or a jku URL/);
    expect((await run(['add', '--id', 'odd', '--name', 'X', '--scope', 'x', '--kind', 'robot', '--jku', 'https://a.example/j'])).code).toBe(2);
    expect((await run(['add', '--id', 'viewer', '--name', 'Again', '--scope', 'openid', '--redirect-uri', 'https://b.example/cb'])).stderr).toMatch(/already registered/);
    expect((await run(['add', '--name', 'No id', '--scope', 'system/*.rs'])).code).toBe(2);
    expect((await run(['explode'])).code).toBe(2);
  });

  it('removes a client', async () => {
    expect((await run(['remove', 'viewer'])).code).toBe(0);
    expect((await run(['remove', 'viewer'])).stderr).toMatch(/No client viewer/);
    const ids = JSON.parse((await run(['list', '--json'])).stdout).map((c: { clientId: string }) => c.clientId);
    expect(ids).toEqual(['gp-system', 'hackney-case']);
  });
});
