import type { AuthUser } from '@app/common/auth/auth-user';
import { levelAt, levelRefusal, secrecyFor, STANDARD_SECRECY_CONCLUSION } from './level-progression';
import type { ReviewPolicy } from './review-policy';

const THREE: ReviewPolicy = [
  { label: '初审', role: 'reviewer', recordsSecrecy: false },
  { label: '复审', role: 'reviewer_lead', recordsSecrecy: false },
  { label: '终审', role: 'leader', recordsSecrecy: true },
];
const user = (roles: AuthUser['roles']): AuthUser => ({ id: 'u', username: 'u', displayName: 'u', roles });

describe('level progression', () => {
  it('walks the levels in order; the last one is final', () => {
    expect(levelAt(THREE, 0)).toMatchObject({ level: 1, of: 3, spec: { label: '初审' }, final: false });
    expect(levelAt(THREE, 1)).toMatchObject({ level: 2, spec: { role: 'reviewer_lead' }, final: false });
    expect(levelAt(THREE, 2)).toMatchObject({ level: 3, spec: { label: '终审' }, final: true });
  });

  it('uses the default one level when the organisation has no policy', () => {
    expect(levelAt(null, 0)).toMatchObject({ level: 1, of: 1, spec: { role: 'reviewer' }, final: true });
  });

  it('finishes at the next approval when the policy shrank below the levels passed', () => {
    expect(levelAt(THREE.slice(0, 1), 2)).toMatchObject({ level: 3, of: 3, spec: { label: '初审' }, final: true });
  });

  it("needs the level's role on the organisation's chain", () => {
    const at = levelAt(THREE, 1);
    expect(levelRefusal(user([{ organisationId: 'county', role: 'reviewer_lead' }]), ['county', 'dept'], at, null)).toBeNull();
    const wrongRole = levelRefusal(user([{ organisationId: 'county', role: 'reviewer' }]), ['county', 'dept'], at, null)!;
    expect(wrongRole).toMatchObject({ status: 403, code: 'LEVEL_ROLE', details: [{ field: 'role' }] });
    expect(wrongRole.message).toContain('复审');
    expect(wrongRole.message).toContain('审核负责人');
    const elsewhere = levelRefusal(user([{ organisationId: 'other', role: 'reviewer_lead' }]), ['county', 'dept'], at, null);
    expect(elsewhere?.code).toBe('LEVEL_ROLE');
  });

  it('refuses a second level of the same round to the same person, naming the first', () => {
    const both = user([
      { organisationId: 'county', role: 'reviewer' },
      { organisationId: 'county', role: 'reviewer_lead' },
    ]);
    const e = levelRefusal(both, ['county'], levelAt(THREE, 1), { level: 1, label: '初审' })!;
    expect(e).toMatchObject({ status: 403, code: 'ALREADY_REVIEWED', details: [{ field: 'reviewerId', reason: '已审核本轮第 1 级（初审）' }] });
  });

  it('records secrecy only where the level does (always at the last), refusing it elsewhere', () => {
    expect(secrecyFor(levelAt(THREE, 2), ' 经审查不涉密 ')).toBe('经审查不涉密');
    expect(secrecyFor(levelAt(THREE, 2), undefined)).toBe(STANDARD_SECRECY_CONCLUSION);
    expect(secrecyFor(levelAt(THREE, 0), undefined)).toBeNull();
    expect(() => secrecyFor(levelAt(THREE, 0), '不涉密')).toThrow(expect.objectContaining({ status: 400, code: 'SECRECY_NOT_AT_THIS_LEVEL' }));
  });
});
