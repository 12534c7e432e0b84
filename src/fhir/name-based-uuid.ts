// A UUID-shaped id derived from names (SHA-256 of the parts, version nibble 5 and the RFC 4122
// variant, as a name-based UUID would have): the same parts always give the same id, so a record
// sent again, or an event routed again, lands on the same resource instead of a second one.
import { createHash } from 'node:crypto';

export function nameBasedUuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
