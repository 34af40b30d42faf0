import type { Lead } from '../../shared/schemas/lead.ts';

/** Emails compare case-insensitively and without surrounding spaces: `Ana@Acme.com ` is `ana@acme.com`. */
export function normalizeEmail(email: string | null | undefined): string | null {
  const normalized = email?.trim().toLowerCase() ?? '';
  return normalized.includes('@') ? normalized : null;
}

export interface PersonGroup {
  personKey: string;
  /** Canonical lead ids that are the same person (a Salesforce Lead and Contact, two casings...). */
  leadIds: string[];
}

/** The key that identifies a person across CRM objects: the tenant plus the normalised email. */
export function personKeyOf(lead: Pick<Lead, 'id' | 'tenantId' | 'email'>): string {
  const email = normalizeEmail(lead.email);
  return email ? `${lead.tenantId}:email:${email}` : `${lead.tenantId}:lead:${lead.id}`;
}

/**
 * Links leads that are the same person. Stateful across pages, since a Lead and its Contact arrive
 * in different pages of a sync; adding the same lead twice changes nothing.
 */
export class IdentityLinker {
  private readonly keyByLeadId = new Map<string, string>();
  private readonly leadIdsByKey = new Map<string, Set<string>>();

  add(leads: readonly Pick<Lead, 'id' | 'tenantId' | 'email'>[]): Map<string, string> {
    const keys = new Map<string, string>();
    for (const lead of leads) {
      const key = personKeyOf(lead);
      const previous = this.keyByLeadId.get(lead.id);
      // A changed email moves the lead to its new person.
      if (previous && previous !== key) this.leadIdsByKey.get(previous)?.delete(lead.id);
      this.keyByLeadId.set(lead.id, key);
      let members = this.leadIdsByKey.get(key);
      if (!members) {
        members = new Set();
        this.leadIdsByKey.set(key, members);
      }
      members.add(lead.id);
      keys.set(lead.id, key);
    }
    return keys;
  }

  remove(leadIds: readonly string[]): void {
    for (const id of leadIds) {
      const key = this.keyByLeadId.get(id);
      if (!key) continue;
      this.keyByLeadId.delete(id);
      const members = this.leadIdsByKey.get(key);
      members?.delete(id);
      if (members && members.size === 0) this.leadIdsByKey.delete(key);
    }
  }

  personKey(leadId: string): string | undefined {
    return this.keyByLeadId.get(leadId);
  }

  get peopleCount(): number {
    let count = 0;
    for (const members of this.leadIdsByKey.values()) if (members.size > 0) count++;
    return count;
  }

  groups(): PersonGroup[] {
    return [...this.leadIdsByKey.entries()]
      .filter(([, members]) => members.size > 0)
      .map(([personKey, members]) => ({ personKey, leadIds: [...members].sort() }));
  }
}

/** One-shot form: the person key of every lead and the groups of linked leads. */
export function linkIdentities(leads: readonly Pick<Lead, 'id' | 'tenantId' | 'email'>[]): {
  personKeyByLeadId: Map<string, string>;
  groups: PersonGroup[];
} {
  const linker = new IdentityLinker();
  const personKeyByLeadId = linker.add(leads);
  return { personKeyByLeadId, groups: linker.groups() };
}
