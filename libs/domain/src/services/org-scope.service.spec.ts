import type { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { AppError } from '@app/common/errors/app-error';
import type { Organisation } from '../entities/organisation.entity';
import { OrgScopeService } from './org-scope.service';

// requireRole needs no database: the organisation is already loaded.
const scope = new OrgScopeService({} as DataSource);
const county = { id: 'c0000000-0000-4000-8000-000000000001', name: '示范县人民政府', path: '/c0000000-0000-4000-8000-000000000001/' } as Organisation;

function refusal(user: AuthUser): AppError {
  try {
    scope.requireRole(user, county, ['reviewer', 'reviewer_lead']);
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected a refusal');
}

describe('OrgScopeService.requireRole', () => {
  it('names the roles it needs in Chinese, never by their code', () => {
    const editor = { id: 'u1', username: 'e', roles: [{ role: 'editor', organisationId: county.id }] } as unknown as AuthUser;
    const e = refusal(editor);
    expect(e.status).toBe(403);
    expect(e.message).toContain('示范县人民政府');
    expect(e.message).toContain('审核人、审核负责人');
    expect(e.message).not.toMatch(/[A-Za-z_]/);
  });

  it('does not name an organisation outside the caller’s scope', () => {
    const stranger = { id: 'u2', username: 's', roles: [{ role: 'reviewer', organisationId: 'd0000000-0000-4000-8000-000000000002' }] } as unknown as AuthUser;
    const e = refusal(stranger);
    expect(e.message).not.toContain('示范县');
    expect(e.message).not.toMatch(/[A-Za-z_]/);
  });
});
