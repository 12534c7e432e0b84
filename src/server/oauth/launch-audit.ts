// A launch is a system asking to open one person's record, so it goes in the audit trail like any
// other access (operation `launch`): who asked, for whom, and whether it was refused. The person
// sees it among the accesses to their record.
import { appendAudit } from '../../governance/audit/audit-log.ts';
import type { AccessRecord, AuditOutcome } from '../../governance/audit/access-record.ts';
import type { OAuthClient } from '../../governance/clients.ts';
import { PURPOSE, type Principal } from '../../governance/principal.ts';
import type { Driver } from '../../store/driver.ts';

export interface LaunchAudit {
  principal: Principal;
  /** The Patient id opened, when the launch found one. */
  patient?: string;
  outcome: AuditOutcome;
  status: number;
  outcomeDescription?: string;
  requestId: string;
  server: string;
  network?: string;
}

/** The principal a signed launch link speaks for: the system whose key signed it. */
export function systemPrincipal(client: OAuthClient): Principal {
  return { subject: client.clientId, kind: 'system', clientId: client.clientId, name: client.name, scope: '', scopes: [],
    ...(client.organization ? { organization: client.organization } : {}) };
}

/** Appends the launch's event in a transaction of its own; fails closed as every audit does. */
export async function auditLaunch(driver: Driver, audit: LaunchAudit): Promise<void> {
  const record: AccessRecord = {
    interaction: 'operation',
    operation: 'launch',
    action: 'E',
    outcome: audit.outcome,
    status: audit.status,
    ...(audit.outcomeDescription ? { outcomeDescription: audit.outcomeDescription } : {}),
    principal: audit.principal,
    ...(audit.network ? { network: audit.network } : {}),
    requestId: audit.requestId,
    server: audit.server,
    resources: [],
    patients: audit.patient ? [`Patient/${audit.patient}`] : [],
    purposeOfUse: PURPOSE.treatment,
    basis: 'system',
    recorded: new Date(),
  };
  await driver.transaction((tx) => appendAudit(tx, record));
}
