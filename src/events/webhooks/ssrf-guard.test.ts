// The SSRF guard, rule by rule: schemes and credentials, every special address class in IPv4 and
// IPv6 (including mapped, 6to4 and NAT64 forms and odd IPv4 spellings), names resolving to private
// addresses, a rebinding resolver, and allowlisting by IP, CIDR and name.
import { describe, expect, it } from 'vitest';
import { FhirError } from '../../fhir/errors.ts';
import { checkWebhookUrl, specialAddressLabel, type WebhookAllowList } from './ssrf-guard.ts';

const NONE: WebhookAllowList = { hosts: [] };
const PUBLIC_V4 = '93.184.215.14';
const PUBLIC_V6 = '2606:2800:21f:cb07:6820:80da:af6b:8b2c';

/** A resolver that knows only the names given, like a tiny zone file. */
function zone(records: Record<string, string[]>) {
  const asked: string[] = [];
  const resolve = async (host: string): Promise<string[]> => {
    asked.push(host);
    const found = records[host];
    if (!found) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };
  return { resolve, asked };
}

async function refusal(promise: Promise<unknown>): Promise<FhirError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(FhirError);
  const fhirError = err as FhirError;
  expect(fhirError.category).toBe('invalid');
  expect(fhirError.issues[0]!.expression).toEqual(['Subscription.channel.endpoint']);
  return fhirError;
}

describe('URL shape', () => {
  it.each([
    ['ftp://files.example.org/hook', 'WEBHOOK_URL_SCHEME'],
    ['file:///etc/passwd', 'WEBHOOK_URL_SCHEME'],
    ['gopher://hooks.example.org:70/_x', 'WEBHOOK_URL_SCHEME'],
    ['javascript:alert(1)', 'WEBHOOK_URL_SCHEME'],
    ['https://user:pass@hooks.example.org/', 'WEBHOOK_URL_CREDENTIALS'],
    ['https://token@hooks.example.org/', 'WEBHOOK_URL_CREDENTIALS'],
    ['not a url', 'WEBHOOK_URL_INVALID'],
    ['/relative/path', 'WEBHOOK_URL_INVALID'],
  ])('refuses %s', async (url, code) => {
    const { resolve, asked } = zone({ 'hooks.example.org': [PUBLIC_V4], 'files.example.org': [PUBLIC_V4] });
    expect((await refusal(checkWebhookUrl(url, NONE, resolve))).code).toBe(code);
    expect(asked).toEqual([]);
  });

  it('accepts a public https endpoint and returns the address to pin', async () => {
    const { resolve } = zone({ 'hooks.example.org': [PUBLIC_V4] });
    const checked = await checkWebhookUrl('https://Hooks.Example.org:8443/fhir/notify?x=1', NONE, resolve);
    expect(checked).toMatchObject({ address: PUBLIC_V4, family: 4 });
    expect(checked.url.host).toBe('hooks.example.org:8443');
    expect(checked.url.pathname).toBe('/fhir/notify');
  });

  it('accepts public IP literals in both families without resolving', async () => {
    const { resolve, asked } = zone({});
    expect(await checkWebhookUrl(`http://${PUBLIC_V4}/`, NONE, resolve)).toMatchObject({ address: PUBLIC_V4, family: 4 });
    expect(await checkWebhookUrl(`http://[${PUBLIC_V6}]:8080/`, NONE, resolve)).toMatchObject({ address: PUBLIC_V6, family: 6 });
    expect(asked).toEqual([]);
  });
});

describe('special addresses as literals', () => {
  it.each([
    ['http://127.0.0.1/', 'loopback'],
    ['http://127.255.10.3:5432/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://10.1.2.3/', 'private'],
    ['http://172.16.0.1/', 'private'],
    ['http://172.31.255.254/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://[fc00::1]/', 'private'],
    ['http://[fd12:3456::1]/', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://100.64.0.1/', 'carrier-grade NAT'],
    ['http://100.127.255.254/', 'carrier-grade NAT'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://239.255.255.250:1900/', 'multicast'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://240.0.0.1/', 'reserved'],
    ['http://198.18.0.1/', 'reserved'],
    ['http://192.0.2.10/', 'documentation'],
    ['http://[2001:db8::1]/', 'documentation'],
    // Decimal, hex, octal and short IPv4 spellings of 127.0.0.1 and 10.0.0.1.
    ['http://2130706433/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://%31%32%37.0.0.1/', 'loopback'],
    ['http://012.0.0.1/', 'private'],
    ['http://167772161/', 'private'],
    // IPv6 forms that carry an IPv4 address.
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:7f00:1]/', 'loopback'],
    ['http://[::ffff:a9fe:a9fe]/', 'link-local'],
    ['http://[::ffff:10.0.0.1]/', 'private'],
    ['http://[2002:7f00:1::]/', 'loopback'],
    ['http://[2002:a9fe:a9fe::1]/', 'link-local'],
    ['http://[64:ff9b::127.0.0.1]/', 'loopback'],
    ['http://[64:ff9b::c0a8:101]/', 'private'],
    ['http://[::127.0.0.1]/', 'reserved'],
    ['http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'reserved'],
  ])('refuses %s as %s', async (url, label) => {
    const err = await refusal(checkWebhookUrl(url, NONE, zone({}).resolve));
    expect(err.code).toBe('WEBHOOK_ADDRESS_BLOCKED');
    expect(err.message).toContain(`${label} address`);
  });

  it('lets IPv6 forms through when the IPv4 address inside them is public', () => {
    expect(specialAddressLabel(`::ffff:${PUBLIC_V4}`)).toBeUndefined();
    expect(specialAddressLabel('64:ff9b::5db8:d70e')).toBeUndefined();
    expect(specialAddressLabel('2002:5db8:d70e::1')).toBeUndefined();
  });

  it('classifies scoped link-local addresses and non-addresses', () => {
    expect(specialAddressLabel('fe80::1%eth0')).toBe('link-local');
    expect(specialAddressLabel('not-an-ip')).toBe('invalid');
  });
});

describe('names that resolve to special addresses', () => {
  it('refuses a name resolving to a private address', async () => {
    const { resolve, asked } = zone({ 'hooks.partner.example': ['10.20.30.40'] });
    const err = await refusal(checkWebhookUrl('https://hooks.partner.example/notify', NONE, resolve));
    expect(err.code).toBe('WEBHOOK_ADDRESS_BLOCKED');
    expect(err.message).toContain('private');
    expect(err.message).not.toContain('10.20.30.40');
    expect(asked).toEqual(['hooks.partner.example']);
  });

  it('refuses a name if ANY of its addresses is special, in either family', async () => {
    const { resolve } = zone({ 'mixed.example': [PUBLIC_V4, '::1'], 'mixed6.example': [PUBLIC_V6, '169.254.169.254'] });
    expect((await refusal(checkWebhookUrl('https://mixed.example/', NONE, resolve))).message).toContain('loopback');
    expect((await refusal(checkWebhookUrl('https://mixed6.example/', NONE, resolve))).message).toContain('link-local');
  });

  it('refuses localhost with a trailing dot and a mapped answer', async () => {
    const { resolve } = zone({ 'localhost.': ['127.0.0.1'], 'sneaky.example': ['::ffff:192.168.0.5'] });
    expect((await refusal(checkWebhookUrl('http://localhost.:5432/', NONE, resolve))).code).toBe('WEBHOOK_ADDRESS_BLOCKED');
    expect((await refusal(checkWebhookUrl('http://sneaky.example/', NONE, resolve))).message).toContain('private');
  });

  it('refuses a name that does not resolve, resolves to nothing, or to a non-address', async () => {
    const { resolve } = zone({ 'empty.example': [], 'garbage.example': ['0x7f.1'] });
    expect((await refusal(checkWebhookUrl('https://missing.example/', NONE, resolve))).code).toBe('WEBHOOK_HOST_UNRESOLVED');
    expect((await refusal(checkWebhookUrl('https://empty.example/', NONE, resolve))).code).toBe('WEBHOOK_HOST_UNRESOLVED');
    expect((await refusal(checkWebhookUrl('https://garbage.example/', NONE, resolve))).code).toBe('WEBHOOK_HOST_UNRESOLVED');
  });

  it('checks every call afresh: a rebinding name passes once, then is refused', async () => {
    const answers = [[PUBLIC_V4], ['127.0.0.1']];
    const rebinding = async () => answers.shift() ?? [];
    const first = await checkWebhookUrl('https://rebind.example/', NONE, rebinding);
    expect(first.address).toBe(PUBLIC_V4);
    expect((await refusal(checkWebhookUrl('https://rebind.example/', NONE, rebinding))).message).toContain('loopback');
  });

  it('uses the system resolver by default (localhost is refused)', async () => {
    expect((await refusal(checkWebhookUrl('http://localhost:5432/', NONE))).code).toBe('WEBHOOK_ADDRESS_BLOCKED');
  });
});

describe('allowlist', () => {
  it('allows an exact IP address, and only that address', async () => {
    const allow = { hosts: ['127.0.0.1'] };
    expect(await checkWebhookUrl('http://127.0.0.1:9000/', allow)).toMatchObject({ address: '127.0.0.1', family: 4 });
    expect(await checkWebhookUrl('http://2130706433:9000/', allow)).toMatchObject({ address: '127.0.0.1' });
    expect((await refusal(checkWebhookUrl('http://127.0.0.2/', allow))).code).toBe('WEBHOOK_ADDRESS_BLOCKED');
    expect((await refusal(checkWebhookUrl('http://[::1]/', allow))).code).toBe('WEBHOOK_ADDRESS_BLOCKED');
  });

  it('allows a resolved address that is allowlisted', async () => {
    const { resolve } = zone({ 'ehr.trust.internal': ['10.9.8.7'] });
    expect(await checkWebhookUrl('https://ehr.trust.internal/', { hosts: ['10.9.8.7'] }, resolve)).toMatchObject({ address: '10.9.8.7' });
  });

  it('allows CIDR ranges in both families', async () => {
    const allow = { hosts: ['10.0.0.0/8', 'fd00:1234::/32', '[::1]'] };
    const { resolve } = zone({ 'a.internal': ['10.200.1.1'], 'b.internal': ['fd00:1234:5::9'], 'c.internal': ['10.0.0.1', '192.168.0.1'] });
    expect(await checkWebhookUrl('https://a.internal/', allow, resolve)).toMatchObject({ address: '10.200.1.1', family: 4 });
    expect(await checkWebhookUrl('https://b.internal/', allow, resolve)).toMatchObject({ address: 'fd00:1234:5::9', family: 6 });
    expect(await checkWebhookUrl('http://[::1]:8080/', allow, resolve)).toMatchObject({ address: '::1', family: 6 });
    // One allowed address does not excuse another that is not.
    expect((await refusal(checkWebhookUrl('https://c.internal/', allow, resolve))).message).toContain('private');
    expect((await refusal(checkWebhookUrl('http://[fd00:1235::1]/', allow, resolve))).code).toBe('WEBHOOK_ADDRESS_BLOCKED');
  });

  it('allows a host name exactly, case-insensitively, whatever it resolves to', async () => {
    const allow = { hosts: ['Receiver.Trust.NHS.uk'] };
    const { resolve } = zone({
      'receiver.trust.nhs.uk': ['10.1.1.1', '127.0.0.1'],
      'evil.receiver.trust.nhs.uk': ['10.1.1.1'],
      'receiver.trust.nhs.uk.evil.example': ['10.1.1.1'],
    });
    expect(await checkWebhookUrl('https://RECEIVER.trust.nhs.uk/hook', allow, resolve)).toMatchObject({ address: '10.1.1.1' });
    expect((await refusal(checkWebhookUrl('https://evil.receiver.trust.nhs.uk/', allow, resolve))).code).toBe('WEBHOOK_ADDRESS_BLOCKED');
    expect((await refusal(checkWebhookUrl('https://receiver.trust.nhs.uk.evil.example/', allow, resolve))).code).toBe('WEBHOOK_ADDRESS_BLOCKED');
  });

  it('never lets the allowlist excuse a bad scheme or credentials', async () => {
    const allow = { hosts: ['127.0.0.1'] };
    expect((await refusal(checkWebhookUrl('ftp://127.0.0.1/', allow))).code).toBe('WEBHOOK_URL_SCHEME');
    expect((await refusal(checkWebhookUrl('http://a:b@127.0.0.1/', allow))).code).toBe('WEBHOOK_URL_CREDENTIALS');
  });

  it.each(['10.0.0.0/33', '10.0.0.0/', 'fd00::/129', 'example.org/24', '10.0.0.0/8x'])('rejects the malformed entry %s', async (entry) => {
    const err = await checkWebhookUrl(`http://${PUBLIC_V4}/`, { hosts: [entry] }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(FhirError);
    expect((err as FhirError).code).toBe('WEBHOOK_ALLOWLIST_INVALID');
  });
});
