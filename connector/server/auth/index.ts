export { type Caller, type CallerRole, callerOf, setCaller } from './caller.ts';
export { connectorTokensFromStore } from './connector-tokens.ts';
export { errorHandler, notFoundHandler, requestId, requestIdOf } from './error-handler.ts';
export { badRequest, forbidden, HttpError, notFound, unauthorized } from './http-error.ts';
export { HUBSPOT_IDENTITY_QUERY_PARAMS, PANEL_BODY_LIMIT, panelAuth } from './panel-auth.ts';
export {
  type ConnectorTokens,
  type CrmAccess,
  createRoleResolver,
  type RoleResolver,
} from './role-resolver.ts';
export { FRAME_ANCESTORS, methodGuard, noStore, securityHeaders } from './security-headers.ts';
export { panelSessionRouter, type SessionRoutesOptions } from './session-routes.ts';
export { createSessionTokens, SESSION_TOKEN_LIFETIME_MS, type SessionTokens } from './session-tokens.ts';
export { requireAdmin, requireLeadOfCaller, requireRecordOfCaller } from './tenant-records.ts';
