import { z } from 'zod';

export const AdminSchema = z.object({
  id: z.string(),
  email: z.string(),
});

export type Admin = z.infer<typeof AdminSchema>;
