// Stops subscription endpoints from reaching inside our network (SSRF): only http(s), no
// credentials in the URL, and no host that resolves to a loopback, private, link-local or otherwise
// special address unless an operator allowlisted it. See reliability-security.md test case 22.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { FhirError } from '../../fhir/errors.ts';

/** Hosts an operator trusts despite the rules: IP addresses, CIDR ranges, or exact host names. */
export interface WebhookAllowList {
  hosts: readonly string[];
}

/** Where a checked endpoint may be reached: connect to `address`, never resolve the name again. */
export interface CheckedWebhookUrl {
  url: URL;
  address: string;
  family: 4 | 6;
}

export type WebhookResolver = (host: string) => Promise<string[]>;

const LOCATION = 'Subscription.channel.endpoint';

// Special-purpose ranges (IANA IPv4/IPv6 special registries) that are not globally reachable.
// Order matters: the first label that matches is the one reported.
const SPECIAL_RANGES: ReadonlyArray<readonly [label: string, cidrs: readonly string[]]> = [
  ['unspecified', ['0.0.0.0/8', '::/128']],
  ['loopback', ['127.0.0.0/8', '::1/128']],
  ['private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']],
  ['carrier-grade NAT', ['100.64.0.0/10']],
  ['link-local', ['169.254.0.0/16', 'fe80::/10']],
  ['broadcast', ['255.255.255.255/32']],
  ['multicast', ['224.0.0.0/4', 'ff00::/8']],
  ['reserved', ['192.0.0.0/24', '192.88.99.0/24', '198.18.0.0/15', '240.0.0.0/4', '::/96', '100::/64', '64:ff9b:1::/48', '2001::/32', 'fec0::/10']],
  ['documentation', ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32']],
];

const SPECIAL_LISTS = SPECIAL_RANGES.map(([label, cidrs]) => {
  const list = new BlockList();
  for (const cidr of cidrs) addCidr(list, cidr);
  return [label, list] as const;
});

/**
 * Checks a webhook endpoint and picks the one address to connect to. Throws
 * `FhirError('invalid', 'WEBHOOK_…')` when the URL is refused or its host cannot be resolved.
 */
export async function checkWebhookUrl(url: string, allow: WebhookAllowList, resolve: WebhookResolver = resolveAll): Promise<CheckedWebhookUrl> {
  const parsed = parseEndpoint(url);
  const allowed = compileAllowList(allow);
  // WHATWG URL has already turned 2130706433, 0x7f.1 and 0177.0.0.1 into dotted decimal.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const addresses = isIP(host) ? [host] : await resolveHost(host, resolve);
  const trustedName = allowed.names.has(host);
  for (const address of addresses) {
    if (isIP(address) === 0) refuse('WEBHOOK_HOST_UNRESOLVED', `The endpoint host ${host} did not resolve to an IP address`);
    if (trustedName || isAllowedAddress(allowed.addresses, address)) continue;
    const label = specialAddressLabel(address);
    // Any one bad address is enough: a resolver may hand out a public and a private one in turn.
    if (label) refuse('WEBHOOK_ADDRESS_BLOCKED', `The endpoint host ${host} is or resolves to a ${label} address, which webhooks may not reach`);
  }
  const address = addresses[0]!;
  return { url: parsed, address, family: isIP(address) === 4 ? 4 : 6 };
}

/** The class of special address (loopback, private, …) an IP falls in, or undefined if public. */
export function specialAddressLabel(address: string): string | undefined {
  const bare = address.replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return 'invalid';
  if (family === 6) {
    const embedded = embeddedIPv4(bare);
    if (embedded) return specialAddressLabel(embedded);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return SPECIAL_LISTS.find(([, list]) => list.check(bare, type))?.[0];
}

function parseEndpoint(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    refuse('WEBHOOK_URL_INVALID', 'The endpoint is not a valid absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    refuse('WEBHOOK_URL_SCHEME', `The endpoint must be http or https, not ${parsed.protocol.replace(/:$/, '')}`);
  }
  if (parsed.username || parsed.password) {
    refuse('WEBHOOK_URL_CREDENTIALS', 'The endpoint must not carry a user name or password; use the subscription header or secret');
  }
  return parsed;
}

async function resolveHost(host: string, resolve: WebhookResolver): Promise<string[]> {
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch {
    refuse('WEBHOOK_HOST_UNRESOLVED', `The endpoint host ${host} could not be resolved`);
  }
  if (addresses.length === 0) refuse('WEBHOOK_HOST_UNRESOLVED', `The endpoint host ${host} has no addresses`);
  return addresses;
}

async function resolveAll(host: string): Promise<string[]> {
  const found = await lookup(host, { all: true, verbatim: true });
  return found.map((entry) => entry.address);
}

// 6to4, NAT64 and IPv4-mapped addresses carry an IPv4 address that decides where packets end up.
function embeddedIPv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return ipv4From(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return ipv4From(g[6]!, g[7]!);
  if (g[0] === 0x2002) return ipv4From(g[1]!, g[2]!);
  return undefined;
}

/** The eight 16-bit groups of a valid IPv6 address (callers check with isIP first). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a, b, c, d] = tail.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const gap = rest === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...gap, ...right].map((group) => parseInt(group, 16));
}

const ipv4From = (high: number, low: number): string => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;

interface CompiledAllowList {
  names: Set<string>;
  addresses: BlockList;
}

function compileAllowList(allow: WebhookAllowList): CompiledAllowList {
  const compiled: CompiledAllowList = { names: new Set(), addresses: new BlockList() };
  for (const raw of allow.hosts) {
    const entry = raw.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase();
    if (!entry) continue;
    if (entry.includes('/')) addCidr(compiled.addresses, entry, raw);
    else if (isIP(entry)) compiled.addresses.addAddress(entry, isIP(entry) === 4 ? 'ipv4' : 'ipv6');
    else compiled.names.add(entry);
  }
  return compiled;
}

function isAllowedAddress(list: BlockList, address: string): boolean {
  const bare = address.replace(/%.*$/, '');
  return list.check(bare, isIP(bare) === 4 ? 'ipv4' : 'ipv6');
}

function addCidr(list: BlockList, cidr: string, original = cidr): void {
  const [network = '', bits = ''] = cidr.split('/');
  const family = isIP(network);
  const prefix = Number(bits);
  if (family === 0 || !/^\d{1,3}$/.test(bits) || prefix > (family === 4 ? 32 : 128)) {
    throw new FhirError('invalid', 'WEBHOOK_ALLOWLIST_INVALID', `The webhook allowlist entry "${original}" is not a valid CIDR range`, 'webhookAllow');
  }
  list.addSubnet(network, prefix, family === 4 ? 'ipv4' : 'ipv6');
}

function refuse(code: string, message: string): never {
  throw new FhirError('invalid', code, message, LOCATION);
}
