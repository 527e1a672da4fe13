import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, setUnauthorizedHandler } from './api';
import type { LoginResult, Organisation, Role, User } from './types';

interface AuthState {
  user: User | null;
  orgs: Organisation[];
  loading: boolean;
  signIn(username: string, password: string, remember: boolean): Promise<User>;
  /** Ends the session on the server (the token is refused from then on), then forgets the user here. */
  signOut(): Promise<void>;
  /** Holds `role` somewhere (orgId omitted) or on the organisation's chain (roles apply to subtrees). */
  hasRole(role: Role, orgId?: string): boolean;
  /** Organisations where the user holds `role` (subtrees included). */
  orgsWith(role: Role): Organisation[];
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
      hasRole(role, orgId) {
        if (!user) return false;
        const grants = user.roles.filter((r) => r.role === role);
        if (!orgId) return grants.length > 0;
        const c = chain(orgId);
        return grants.some((g) => c.includes(g.organisationId));
      },
      orgsWith(role) {
        if (!user) return [];
        const roots = user.roles.filter((r) => r.role === role).map((r) => r.organisationId);
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
