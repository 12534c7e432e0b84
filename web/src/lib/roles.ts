// What the viewer offers each kind of user. These only choose which links and pages appear; the
// server decides what anyone may actually see, so a hidden link is never the only guard.
import type { SignedInUser } from './session.ts';

const IG_ROLES = new Set(['R0001', 'R5105']);
const RECORDS_ROLES = new Set(['R8013']);

export const isCitizen = (user: SignedInUser): boolean => user.kind === 'citizen';
export const isIgLead = (user: SignedInUser): boolean => !!user.roleCode && IG_ROLES.has(user.roleCode);
export const reviewsMatches = (user: SignedInUser): boolean => !!user.roleCode && RECORDS_ROLES.has(user.roleCode);
/** Staff who care for people: they find records and have a team inbox. */
export const caresForPeople = (user: SignedInUser): boolean => user.kind === 'user' && !isIgLead(user) && !reviewsMatches(user);
