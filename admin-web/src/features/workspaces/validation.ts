import { z } from 'zod';

// The directory's rules (api.md section 1, internal/directory/model.go),
// mirrored so problems show next to the field before anything is sent. The
// API counts lengths in bytes (UTF-8); so does this.

export const SLUG_MIN = 2;
export const SLUG_MAX = 100;
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]*[a-z0-9]$/;
export const NAME_MAX = 255;
export const DESCRIPTION_MAX = 1000;
export const ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;
export type WorkspaceRole = (typeof ROLES)[number];

export const ROLE_LABELS: Record<WorkspaceRole, string> = {
  owner: 'Owner',
  admin: 'Admin',
  editor: 'Editor',
  viewer: 'Viewer',
};

const bytes = (s: string) => new TextEncoder().encode(s).length;

export const displayNameSchema = z
  .string()
  .refine((s) => s.trim().length > 0, 'Enter a name.')
  .refine((s) => bytes(s.trim()) <= NAME_MAX, `Use at most ${NAME_MAX} characters.`);

export const slugSchema = z
  .string()
  .refine((s) => s.trim().length > 0, 'Enter a slug.')
  .refine((s) => s.trim().length >= SLUG_MIN, `Use at least ${SLUG_MIN} characters.`)
  .refine((s) => s.trim().length <= SLUG_MAX, `Use at most ${SLUG_MAX} characters.`)
  .refine(
    (s) => s.trim().length < SLUG_MIN || SLUG_PATTERN.test(s.trim()),
    'Use lowercase letters, digits and hyphens; start and end with a letter or digit (e.g. acme-eu).',
  );

export const descriptionSchema = z
  .string()
  .refine((s) => bytes(s.trim()) <= DESCRIPTION_MAX, `Use at most ${DESCRIPTION_MAX} characters.`);

export const emailSchema = z
  .string()
  .refine((s) => s.trim().length > 0, 'Enter an email address.')
  .refine((s) => s.trim().length <= 254, 'Use at most 254 characters.')
  .refine((s) => /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/.test(s.trim()), 'Enter an email address, e.g. ada@example.com.');

export const roleSchema = z.enum(ROLES, { message: 'Choose a role.' });

/** suggestSlug turns "Acme Europe" into "acme-europe". */
export function suggestSlug(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, SLUG_MAX)
    .replace(/-+$/, '');
}

export { firstError } from '@/features/service-apps/validation';
