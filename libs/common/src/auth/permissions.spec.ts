import { ROLES } from './roles';
import { can, grantOrgIds, PERMISSION_NAMES, PERMISSIONS, rolesFor } from './permissions';

const user = (...roles: [string, (typeof ROLES)[number]][]) => ({ roles: roles.map(([organisationId, role]) => ({ organisationId, role })) });

describe('permissions', () => {
  it('name only real roles, and every role grants something', () => {
    for (const p of PERMISSION_NAMES) for (const r of PERMISSIONS[p]) expect(ROLES).toContain(r);
    for (const r of ROLES) expect([r, PERMISSION_NAMES.some((p) => (PERMISSIONS[p] as readonly string[]).includes(r))]).toEqual([r, true]);
  });

  it('keep what each role could do before the map (spot checks)', () => {
    expect(rolesFor('item.create')).toEqual(['editor']);
    expect(rolesFor('item.withdraw').sort()).toEqual(['admin', 'operator', 'reviewer']);
    expect(rolesFor('delivery.operate').sort()).toEqual(['admin', 'operator']);
    expect(rolesFor('stats.read').sort()).toEqual(['admin', 'statistician']);
    expect(rolesFor('org.view')).toEqual([...ROLES]);
  });

  it('answer "anywhere" without an organisation and "on the chain" with one', () => {
    const u = user(['county', 'reviewer'], ['dept-b', 'editor']);
    expect(can(u, 'item.review')).toBe(true);
    expect(can(u, 'item.create')).toBe(true);
    expect(can(u, 'org.manage')).toBe(false);
    expect(can(u, 'item.review', 'dept-a', ['county', 'dept-a'])).toBe(true); // a county grant covers its departments
    expect(can(u, 'item.create', 'dept-a', ['county', 'dept-a'])).toBe(false); // the editor grant is dept-b's
    expect(can(u, 'item.review', 'dept-a')).toBe(false); // without the chain only a grant on dept-a itself counts
    expect(can(null, 'item.read')).toBe(false);
    expect(grantOrgIds(u, 'item.read').sort()).toEqual(['county', 'dept-b']);
  });
});
