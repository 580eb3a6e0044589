import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken } from './api.ts';
import type { Me, Organisation } from './types.ts';

interface Session {
  readonly me: Me;
  readonly organisation: Organisation | undefined;
  /** The province's staff (Sở KH&CN): the province workspace; everyone else: the business workspace. */
  readonly province: boolean;
  readonly can: (permission: string) => boolean;
  readonly signOut: () => Promise<void>;
}

type State =
  | { kind: 'loading' }
  | { kind: 'error'; error: ApiError }
  | { kind: 'anonymous' }
  | { kind: 'signedIn'; me: Me; organisation: Organisation | undefined };

const SessionContext = createContext<Session | null>(null);

async function loadSession(): Promise<State> {
  const me = await api<Me>('/api/auth/me');
  if (me.kind !== 'user') return { kind: 'anonymous' };
  setCsrfToken(me.csrfToken);
  const organisation = me.organisationId
    ? await api<Organisation>(`/api/organisations/${encodeURIComponent(me.organisationId)}`).catch(() => undefined)
    : undefined;
  return { kind: 'signedIn', me, organisation };
}

/** Removes what the service worker kept of this user's API answers (another person may sign in next). */
async function forgetCachedAnswers(): Promise<void> {
  if (!('caches' in window)) return;
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith('truyxuat-api')).map((n) => caches.delete(n)));
}

export function SessionProvider({
  children,
  signIn,
  failed,
  loading,
}: {
  children: ReactNode;
  signIn: (onSignedIn: () => void) => ReactNode;
  failed: (error: ApiError, retry: () => void) => ReactNode;
  loading: ReactNode;
}) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const refresh = useCallback(() => {
    setState({ kind: 'loading' });
    loadSession().then(setState, (e: unknown) =>
      setState({ kind: 'error', error: e instanceof ApiError ? e : new ApiError(0, 'network', String(e)) }),
    );
  }, []);
  useEffect(refresh, [refresh]);

  const signOut = useCallback(async () => {
    await api('/api/auth/sign-out', { method: 'POST' }).catch(() => undefined);
    setCsrfToken(undefined);
    await forgetCachedAnswers();
    setState({ kind: 'anonymous' });
  }, []);

  switch (state.kind) {
    case 'loading':
      return <>{loading}</>;
    case 'error':
      return <>{failed(state.error, refresh)}</>;
    case 'anonymous':
      return <>{signIn(refresh)}</>;
    case 'signedIn': {
      const { me, organisation } = state;
      const session: Session = {
        me,
        organisation,
        province: me.province,
        can: (permission) => me.permissions.includes(permission),
        signOut,
      };
      return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
    }
  }
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in SessionProvider');
  return value;
}
