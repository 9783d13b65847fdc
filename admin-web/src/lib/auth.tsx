import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { getMe } from '@/features/auth/api/get-me';
import { login as loginCall, type LoginInput } from '@/features/auth/api/login';
import { logout as logoutCall } from '@/features/auth/api/logout';
import type { Admin } from '@/features/auth/api/schemas';
import { ApiError, setUnauthorizedHandler } from './api-client';

// The session lives in the HttpOnly admin_token cookie, which this code never
// sees: the only client-side state is who /admin/auth/me says we are.

export type SessionNotice = 'expired' | 'signed-out' | null;

type AuthState =
  | { status: 'loading'; admin: null }
  | { status: 'signed-in'; admin: Admin }
  | { status: 'signed-out'; admin: null }
  | { status: 'error'; admin: null; error: ApiError };

type AuthContextValue = {
  state: AuthState;
  notice: SessionNotice;
  signIn: (input: LoginInput) => Promise<void>;
  /** A sign-in step (code, password change, enrolment) answered who we are now. */
  setAdmin: (admin: Admin) => void;
  signOut: () => Promise<void>;
  retry: () => void;
};

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading', admin: null });
  const [notice, setNotice] = useState<SessionNotice>(null);
  const [attempt, setAttempt] = useState(0);
  const signedIn = useRef(false);
  signedIn.current = state.status === 'signed-in';
  // What one admin's session loaded is never shown to the next one.
  const queryClient = useQueryClient();

  useEffect(() => {
    const controller = new AbortController();
    getMe(controller.signal).then(
      (admin) => setState(admin ? { status: 'signed-in', admin } : { status: 'signed-out', admin: null }),
      (err: unknown) => {
        if (controller.signal.aborted) return;
        const error =
          err instanceof ApiError ? err : new ApiError({ kind: 'network', status: 0, message: 'Could not reach the server.' });
        setState({ status: 'error', admin: null, error });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  // Any API call answering 401 means the session is gone: drop everything and
  // let the route guard send the admin to sign-in with a message.
  useEffect(
    () =>
      setUnauthorizedHandler(() => {
        if (!signedIn.current) return;
        signedIn.current = false;
        queryClient.clear();
        setNotice('expired');
        setState({ status: 'signed-out', admin: null });
      }),
    [queryClient],
  );

  const signIn = useCallback(async (input: LoginInput) => {
    const admin = await loginCall(input);
    setNotice(null);
    setState({ status: 'signed-in', admin });
  }, []);

  const setAdmin = useCallback((admin: Admin) => setState({ status: 'signed-in', admin }), []);

  const signOut = useCallback(async () => {
    try {
      await logoutCall();
    } finally {
      queryClient.clear();
      setNotice('signed-out');
      setState({ status: 'signed-out', admin: null });
    }
  }, [queryClient]);

  const retry = useCallback(() => {
    setState({ status: 'loading', admin: null });
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo(
    () => ({ state, notice, signIn, setAdmin, signOut, retry }),
    [state, notice, signIn, setAdmin, signOut, retry],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}
