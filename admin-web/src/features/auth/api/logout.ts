import { request } from '@/lib/api-client';

/** POST /admin/auth/logout: revokes the session cookie. */
export function logout(): Promise<void> {
  return request('/auth/logout', { method: 'POST', unauthorizedIsAnswer: true });
}
