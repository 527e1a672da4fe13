import * as bcrypt from 'bcryptjs';
import * as fs from 'fs';
import * as path from 'path';
import { DataSource } from 'typeorm';
import { assertPasswordPolicy, generatePassword } from '@app/common/auth/password-policy';
import { SecretBox } from '@app/common/crypto/secret-box';
import { ChannelAccount } from '../entities/channel-account.entity';
import { Organisation } from '../entities/organisation.entity';
import { User } from '../entities/user.entity';
import { UserRole } from '../entities/user-role.entity';
import { ROLE_LABELS, ROLES } from '@app/common/auth/roles';

export interface DemoAccountSpec {
  channelType: string;
  name: string;
  org: string; // organisation code
  baseUrl: string; // may contain {simUrl} and {portalBaseUrl}; settings may contain {apiBaseUrl}
  settings?: Record<string, unknown>;
  credentials?: Record<string, unknown>;
}

export interface SeedOptions {
  password?: string;
  encryptionKey: string;
  simUrl?: string;
  portalBaseUrl: string;
  /** Channel types the running system supports; accounts of other types are skipped. */
  channelTypes: string[];
  accountsFile?: string;
}

export interface SeedResult {
  created: boolean;
  password?: string;
  generatedPassword: boolean;
  orgs: Record<string, string>;
  users: Record<string, string>;
  accounts: Record<string, string>;
}

/** County → departments → township, the shape of a real county 政务公开 office. */
export const DEMO_ORGS = [
  { code: 'sfx', name: '示范县人民政府', level: 'county', parent: null },
  { code: 'sfx-fgj', name: '示范县发展和改革局', level: 'department', parent: 'sfx' },
  { code: 'sfx-jyj', name: '示范县教育局', level: 'department', parent: 'sfx' },
  { code: 'sfx-wjw', name: '示范县卫生健康委员会', level: 'department', parent: 'sfx' },
  { code: 'sfx-cgz', name: '示范县城关镇人民政府', level: 'township', parent: 'sfx' },
] as const;

/**
 * Seeds the demo county once (idempotent: does nothing when the county exists, except adding demo
 * accounts of channel types that were added since). Users are named after their role.
 */
export async function seedDemo(ds: DataSource, o: SeedOptions): Promise<SeedResult> {
  const box = new SecretBox(o.encryptionKey);
  const orgRepo = ds.getRepository(Organisation);
  const existing = await orgRepo.findOneBy({ code: 'sfx' });
  const result: SeedResult = { created: !existing, generatedPassword: false, orgs: {}, users: {}, accounts: {} };
  await ds.transaction(async (em) => {
    if (!existing) {
      for (const spec of DEMO_ORGS) {
        const parent = spec.parent ? await em.getRepository(Organisation).findOneByOrFail({ code: spec.parent }) : null;
        const org = await em
          .getRepository(Organisation)
          .save(
            em
              .getRepository(Organisation)
              .create({ code: spec.code, name: spec.name, level: spec.level, parentId: parent?.id ?? null, path: 'pending', settings: {} }),
          );
        await em.getRepository(Organisation).update({ id: org.id }, { path: `${parent?.path ?? '/'}${org.id}/` });
      }
      // the same password policy as every other password (SEED_PASSWORD is also checked at boot)
      const password = o.password ?? generatePassword();
      for (const role of ROLES) assertPasswordPolicy(password, role);
      result.password = password;
      result.generatedPassword = !o.password;
      const hash = await bcrypt.hash(password, 10);
      const county = await em.getRepository(Organisation).findOneByOrFail({ code: 'sfx' });
      for (const role of ROLES) {
        const u = await em
          .getRepository(User)
          .save(
            em.getRepository(User).create({ username: role, displayName: `示范县${ROLE_LABELS[role]}`, passwordHash: hash, homeOrganisationId: county.id }),
          );
        await em.getRepository(UserRole).insert({ userId: u.id, organisationId: county.id, role });
      }
    }
    for (const org of await em.getRepository(Organisation).find()) result.orgs[org.code] = org.id;
    for (const u of await em.getRepository(User).find()) result.users[u.username] = u.id;

    const specs: DemoAccountSpec[] = JSON.parse(fs.readFileSync(o.accountsFile ?? path.resolve('config/demo-accounts.json'), 'utf8'));
    for (const s of specs) {
      if (!o.channelTypes.includes(s.channelType)) continue;
      if (s.baseUrl.includes('{simUrl}') && !o.simUrl) continue;
      const orgId = result.orgs[s.org];
      if (!orgId) continue;
      let acc = await em.getRepository(ChannelAccount).findOneBy({ organisationId: orgId, channelType: s.channelType, name: s.name });
      if (!acc) {
        const baseUrl = s.baseUrl.replace('{simUrl}', o.simUrl ?? '').replace('{portalBaseUrl}', o.portalBaseUrl);
        acc = await em.getRepository(ChannelAccount).save(
          em.getRepository(ChannelAccount).create({
            organisationId: orgId,
            channelType: s.channelType,
            name: s.name,
            baseUrl,
            // {apiBaseUrl}: where players download from this installation (NovaStar frames); the demo
            // serves the api and the site from one origin.
            settings: JSON.parse(
              JSON.stringify(s.settings ?? {})
                .split('{apiBaseUrl}')
                .join(`${new URL(o.portalBaseUrl).origin}/api/v1`),
            ),
            credentialsEnc: s.credentials ? box.sealJson(s.credentials) : null,
          }),
        );
      }
      result.accounts[`${s.channelType}:${s.name}`] = acc.id;
    }
  });
  return result;
}
