// What a token may carry: the scopes asked for, narrowed to what the client is registered for and
// to what the caller's kind allows. Wildcards narrow rather than fail: asking for `system/*.cruds`
// with `system/Patient.rs` registered grants `system/Patient.rs`.
// See: https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
import { parseScopes, PERMISSIONS, type ResourceScope } from '../../governance/smart-scopes.ts';

/** Scopes a backend system may hold: its own, never a user's or a patient's. */
export const SYSTEM_POLICY = 'system/*.cruds';
/**
 * Staff: user-level access; role-based narrowing (national RBAC activities) belongs to governance.
 * `launch` when an EHR launch opened the app on a person (sign-in drops it otherwise).
 */
export const STAFF_POLICY = 'user/*.cruds openid fhirUser profile nationalrbacaccess selectedrole launch';
/** Citizens: read and search of their own record, in their patient context. */
export const CITIZEN_POLICY = 'patient/*.rs openid fhirUser profile launch/patient';

const tokensOf = (scope: string): string[] => scope.split(/\s+/).filter(Boolean);

function format(scope: ResourceScope): string {
  return `${scope.context}/${scope.type}.${PERMISSIONS.filter((p) => scope.permissions.has(p)).join('')}`;
}

/** The part of one requested resource scope that an allowed scope covers, if any. */
function overlap(requested: ResourceScope, allowed: ResourceScope): ResourceScope | undefined {
  if (requested.context !== allowed.context) return undefined;
  if (requested.type !== '*' && allowed.type !== '*' && requested.type !== allowed.type) return undefined;
  const permissions = new Set([...requested.permissions].filter((p) => allowed.permissions.has(p)));
  if (permissions.size === 0) return undefined;
  return { context: requested.context, type: requested.type === '*' ? allowed.type : requested.type, permissions };
}

/**
 * The requested scope narrowed to `allowed`. Resource scopes intersect; other scopes (openid,
 * launch/patient…) and granular ones pass only when `allowed` lists them exactly.
 */
export function intersectScopes(requested: string, allowed: string): string {
  const allowedTokens = new Set(tokensOf(allowed));
  const allowedScopes = parseScopes(allowed);
  const granted: string[] = [];
  for (const token of tokensOf(requested)) {
    const [resource] = parseScopes(token);
    if (!resource) {
      if (allowedTokens.has(token)) granted.push(token);
      continue;
    }
    for (const scope of allowedScopes) {
      const part = overlap(resource, scope);
      if (part) granted.push(format(part));
    }
  }
  return [...new Set(granted)].join(' ');
}

/** True when the scope grants some access to resources (not just openid, launch…). */
export function hasResourceScope(scope: string): boolean {
  return parseScopes(scope).length > 0;
}
