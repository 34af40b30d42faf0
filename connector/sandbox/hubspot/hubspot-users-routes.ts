import type { RequestHandler, Router } from 'express';
import { hubspotError } from './hubspot-responses.ts';
import type { HubspotStore } from './hubspot-store.ts';

/** A portal user as `GET /settings/v3/users/{userId}` returns it (the fields LeadScore reads and a few more). */
export interface SandboxHubspotUser {
  id: string;
  email: string;
  superAdmin: boolean;
  roleIds?: string[];
  primaryTeamId?: string;
}

/**
 * The portal's users, kept beside its store. Seeded with the installing super admin (user 1, the
 * `user_id` of the sandbox's access tokens) and one sales rep (user 2); tests add more with `put`.
 */
export class HubspotUserDirectory {
  private readonly users = new Map<string, SandboxHubspotUser>();

  constructor() {
    this.put({ id: '1', email: 'admin@sandbox.example', superAdmin: true, roleIds: [] });
    this.put({
      id: '2',
      email: 'rep@sandbox.example',
      superAdmin: false,
      roleIds: ['100'],
      primaryTeamId: '101',
    });
  }

  put(user: SandboxHubspotUser): void {
    this.users.set(user.id, user);
  }

  get(id: string): SandboxHubspotUser | undefined {
    return this.users.get(id);
  }
}

const directories = new WeakMap<HubspotStore, HubspotUserDirectory>();

/** The user directory of a sandbox portal (made on first use). */
export function hubspotUsersOf(store: HubspotStore): HubspotUserDirectory {
  let directory = directories.get(store);
  if (directory === undefined) {
    directory = new HubspotUserDirectory();
    directories.set(store, directory);
  }
  return directory;
}

/** `GET /settings/v3/users/{userId}` behind the portal's API gate (token checks, limits, faults). */
export function mountUsersRoutes(router: Router, store: HubspotStore, gate: RequestHandler): void {
  router.get('/settings/v3/users/:userId', gate, (request, response) => {
    const user = hubspotUsersOf(store).get(String(request.params.userId));
    if (user === undefined) {
      hubspotError(response, 404, 'OBJECT_NOT_FOUND', `User not found for id ${request.params.userId}`);
      return;
    }
    response.json({
      id: user.id,
      email: user.email,
      roleIds: user.roleIds ?? [],
      ...(user.primaryTeamId === undefined ? {} : { primaryTeamId: user.primaryTeamId }),
      secondaryTeamIds: [],
      superAdmin: user.superAdmin,
    });
  });
}
