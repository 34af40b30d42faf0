import { describe, expect, it } from 'vitest';
import { tenantKeys, tenantTag } from '../../shared/store/keys.ts';

describe('store keys', () => {
  it('put the tenant in a hash tag at the front of every key', () => {
    const keys = tenantKeys('sf:00D5g000004XyZ1EAK');
    expect(keys.leads).toBe('ls:{sf:00D5g000004XyZ1EAK}:leads');
    expect(keys.activities('00Q5g00000AbCdEEAZ')).toBe('ls:{sf:00D5g000004XyZ1EAK}:act:00Q5g00000AbCdEEAZ');
    expect(tenantKeys('hs:4412345').intent('acme.com')).toBe('ls:{hs:4412345}:intent:acme.com');
    expect(keys.pattern).toBe('ls:{sf:00D5g000004XyZ1EAK}:*');
  });

  it.each(['acme', 'sf:00D}x', 'hs:12ab', 'sf:00D5g000004XyZ1EAK}:leads:{hs:1', ''])(
    'refuse the tenant id "%s"',
    (tenantId) => {
      expect(() => tenantTag(tenantId)).toThrow(/must be "sf:<orgId>" or "hs:<portalId>"/);
    },
  );

  it.each(['has space', 'brace}', 'star*', 'new\nline', ''])('refuse the record id %j', (id) => {
    expect(() => tenantKeys('hs:4412345').activities(id)).toThrow(/lead id .* must be 1-512 characters/s);
  });
});
