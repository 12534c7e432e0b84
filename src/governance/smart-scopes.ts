// SMART App Launch v2 scopes (and the v1 forms clients still send), parsed and checked per interaction.
// See: https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
import { FhirError } from '../fhir/errors.ts';

export const PERMISSIONS = ['c', 'r', 'u', 'd', 's'] as const;
export type Permission = (typeof PERMISSIONS)[number];
export type ScopeContext = 'patient' | 'user' | 'system';

export interface ResourceScope {
  context: ScopeContext;
  /** A resource type or `*`. */
  type: string;
  permissions: ReadonlySet<Permission>;
}

const V1: Record<string, Permission[]> = { read: ['r', 's'], write: ['c', 'u', 'd'], '*': ['c', 'r', 'u', 'd', 's'] };

/**
 * Parses the resource scopes in a scope string; others (openid, launch…) are ignored.
 * Granular scopes (`?param=value`) grant nothing yet: ignoring the filter would grant too much.
 */
export function parseScopes(scope: string): ResourceScope[] {
  const out: ResourceScope[] = [];
  for (const token of scope.split(/\s+/).filter(Boolean)) {
    const m = /^(patient|user|system)\/([A-Za-z]+|\*)\.([a-z*]+)$/.exec(token);
    if (!m) continue;
    const [, context, type, perms] = m as unknown as [string, ScopeContext, string, string];
    let permissions: Permission[] | undefined = V1[perms];
    if (!permissions) {
      // v2: letters must appear in c r u d s order, each at most once.
      if (!/^c?r?u?d?s?$/.test(perms)) continue;
      permissions = [...perms] as Permission[];
    }
    out.push({ context, type, permissions: new Set(permissions) });
  }
  return out;
}

/** The scopes that grant `permission` on `type`; empty means forbidden. */
export function grantingScopes(scopes: readonly ResourceScope[], type: string, permission: Permission): ResourceScope[] {
  return scopes.filter((s) => (s.type === '*' || s.type === type) && s.permissions.has(permission));
}

export function forbidden(type: string, permission: Permission): FhirError {
  const names: Record<Permission, string> = { c: 'create', r: 'read', u: 'update', d: 'delete', s: 'search' };
  return new FhirError('forbidden', 'AUTH_SCOPE', `The access token has no scope to ${names[permission]} ${type}`);
}
