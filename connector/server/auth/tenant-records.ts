import type { Response } from 'express';
import type { Lead } from '../../../shared/schemas/lead.ts';
import { recordIdProblem } from '../../../shared/store/keys.ts';
import type { Store } from '../../../shared/store/store.ts';
import { type Caller, callerOf } from './caller.ts';
import { badRequest, forbidden, notFound } from './http-error.ts';

/**
 * Every handler reads records through the caller's tenant: the tenant id comes from the Caller (the
 * verified signature or session), never from the path, the query or the body. A record of another
 * tenant is answered exactly like a record that does not exist (404), so ids of other tenants cannot
 * be probed.
 */
export async function requireLeadOfCaller(
  store: Pick<Store, 'leads'>,
  response: Response,
  leadId: unknown,
): Promise<{ caller: Caller; lead: Lead }> {
  const caller = callerOf(response);
  const lead = await requireRecordOfCaller(caller, leadId, (tenantId, id) => store.leads.get(tenantId, id));
  return { caller, lead };
}

/**
 * The generic form: `load(tenantId, id)` must look the record up within that tenant only (every
 * store repository does: keys are `ls:{tenant}:...`). 400 for an id that cannot be one, 404 otherwise.
 */
export async function requireRecordOfCaller<T>(
  caller: Caller,
  recordId: unknown,
  load: (tenantId: string, recordId: string) => Promise<T | undefined>,
): Promise<T> {
  if (typeof recordId !== 'string' || recordIdProblem(recordId) !== null)
    throw badRequest('record id must be 1-512 characters without spaces, braces or glob characters');
  const record = await load(caller.tenantId, recordId);
  if (record === undefined) throw notFound(`no record ${recordId.slice(0, 64)} in this CRM account`);
  return record;
}

/** For changes only admins may make (settings, retrain, rollback, uninstall). */
export function requireAdmin(response: Response): Caller {
  const caller = callerOf(response);
  if (caller.role !== 'admin')
    throw forbidden(
      caller.tenantId.startsWith('sf:')
        ? 'only LeadScore admins may do this: ask a Salesforce admin to assign you the LeadScore_Admin permission set'
        : 'only LeadScore admins may do this: ask a HubSpot super admin',
    );
  return caller;
}
