import { request } from '@/lib/api-client';
import { listQuery, pageSchema, type Page } from '@/lib/paging';
import { UserSchema, type User } from './schemas';
import { cursorList } from '@/lib/query';

const UserPageSchema = pageSchema(UserSchema);

/** GET /admin/users?q=&limit=&cursor= */
export function getUsers(q: string, cursor: string | null, signal?: AbortSignal, limit = 50): Promise<Page<User>> {
  return request(`/users${listQuery({ q: q.trim(), limit, cursor })}`, {
    schema: UserPageSchema,
    ...(signal ? { signal } : {}),
  });
}

/** The query of users (see lib/query.ts). */
export const usersQuery = (q: string) => cursorList(['users', 'list', q], (cursor, signal) => getUsers(q, cursor, signal));
