import { z } from 'zod';
import { request } from '@/lib/api-client';
import { AdminSchema, type Admin } from './schemas';

export const LoginInputSchema = z.object({
  email: z.string().trim().min(1, 'Enter your email address.').regex(/^[^\s@]+@[^\s@]+$/, 'Enter a valid email address.'),
  password: z.string().min(1, 'Enter your password.'),
});

export type LoginInput = z.infer<typeof LoginInputSchema>;

/** POST /admin/auth/login: sets the HttpOnly admin_token cookie. */
export function login(input: LoginInput): Promise<Admin> {
  return request('/auth/login', {
    method: 'POST',
    body: input,
    schema: AdminSchema,
    unauthorizedIsAnswer: true,
  });
}
