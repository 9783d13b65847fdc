import { z } from 'zod';

/** The sign-in steps a session may still have to take (api.md section 8). */
export const SignInStepSchema = z.enum(['totp', 'change_password', 'enrol_totp']);
export type SignInStep = z.infer<typeof SignInStepSchema>;

export const AdminSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().optional().default(''),
  totp_enabled: z.boolean().optional().default(false),
  /** Set while the sign-in is not finished: the session opens only this step. */
  next_step: SignInStepSchema.optional(),
});

export type Admin = z.infer<typeof AdminSchema>;
