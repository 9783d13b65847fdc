import { request } from '@/lib/api-client';
import { UserSchema, type User } from './schemas';

/** PATCH /admin/users/{id} {name?, is_active?}: deactivation makes the user's tokens fail within seconds. */
export function updateUser(id: string, input: { name?: string; is_active?: boolean }): Promise<User> {
  return request(`/users/${encodeURIComponent(id)}`, { method: 'PATCH', body: input, schema: UserSchema });
}
