import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, setUnauthorizedHandler } from './api';
import { keepWorkNow } from './kept-work';
import { can as userCan, grantOrgIds, type Permission } from '../../../../libs/common/src/auth/permissions';
import type { LoginResult, Organisation, Role, User } from './types';

interface AuthState {
  user: User | null;
  orgs: Organisation[];
  loading: boolean;
  signIn(username: string, password: string, remember: boolean): Promise<User>;
  /** Ends the session on the server (the token is refused from then on), then forgets the user here. */
  signOut(): Promise<void>;
  /** May do `permission` somewhere (orgId omitted) or on the organisation (grants apply to subtrees). */
  can(permission: Permission, orgId?: string): boolean;
  /**
   * Holds `role` on the organisation's chain: only for roles that come as data (the role a review
   * policy names for a level); everything else asks can() for a permission.
   */
  holdsRole(role: Role, orgId: string): boolean;
  /** Organisations where the user may do `permission` (subtrees included). */
  orgsWith(permission: Permission): Organisation[];
  orgName(id: string | null | undefined): string;
  refreshOrgs(): Promise<void>;
}

const Ctx = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [orgs, setOrgs] = useState<Organisation[]>([]);
  // Whether a session cookie exists is unknown to the page (HttpOnly): ask the server once at start.
  const [loading, setLoading] = useState(true);

  const refreshOrgs = useCallback(async () => {
    setOrgs(await api.get<Organisation[]>('/organisations'));
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      // before the pages unmount (sign-in replaces them): their unsaved work is written down now
      keepWorkNow();
      setUser(null);
      setOrgs([]);
    });
    Promise.all([api.get<User>('/auth/me'), api.get<Organisation[]>('/organisations')])
      .then(([u, o]) => {
        setUser(u);
        setOrgs(o);
      })
      .catch(() => setUser(null))
      .finally(() => setLoading(false));
  }, []);

  const signIn = useCallback(async (username: string, password: string, remember: boolean) => {
    // the reply sets the session cookie; the token itself never reaches this page
    const r = await api.post<LoginResult>('/auth/login', { username, password, remember });
    const o = await api.get<Organisation[]>('/organisations');
    setOrgs(o);
    setUser(r.user);
    return r.user;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.post('/auth/logout');
    } finally {
      setUser(null);
      setOrgs([]);
    }
  }, []);

  const value = useMemo<AuthState>(() => {
    const byId = new Map(orgs.map((o) => [o.id, o]));
    const chain = (orgId: string) => (byId.get(orgId)?.path ?? `/${orgId}/`).split('/').filter(Boolean);
    return {
      user,
      orgs,
      loading,
      signIn,
      signOut,
      refreshOrgs,
      can(permission, orgId) {
        return orgId ? userCan(user, permission, orgId, chain(orgId)) : userCan(user, permission);
      },
      holdsRole(role, orgId) {
        const c = chain(orgId);
        return !!user?.roles.some((g) => g.role === role && c.includes(g.organisationId));
      },
      orgsWith(permission) {
        const roots = grantOrgIds(user, permission);
        return orgs.filter((o) => roots.some((root) => o.path.split('/').includes(root)));
      },
      orgName(id) {
        return (id && byId.get(id)?.name) || '';
      },
    };
  }, [user, orgs, loading, signIn, signOut, refreshOrgs]);

  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAuth(): AuthState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
