import { z } from 'zod';

// The site's build-time configuration, validated once at start-up so a bad
// build fails loudly instead of calling the wrong place.
const EnvSchema = z.object({
  // Where the admin API lives on this origin. The site never assumes a host:
  // locally :9004 proxies /admin/* to the API, in AWS CloudFront routes it.
  apiBasePath: z
    .string()
    .regex(/^\/[a-z0-9/_-]*[a-z0-9_-]$/, 'must be an absolute path without a trailing slash'),
  appName: z.string().min(1),
});

export type Env = z.infer<typeof EnvSchema>;

function readEnv(): Env {
  const parsed = EnvSchema.safeParse({
    apiBasePath: import.meta.env['VITE_ADMIN_API_BASE'] ?? '/admin',
    appName: import.meta.env['VITE_APP_NAME'] ?? 'Sentinel',
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid admin-web configuration: ${problems}`);
  }
  return parsed.data;
}

export const env: Env = readEnv();
