import { z } from 'zod';

// The API's rules for service apps (api.md sections 1 and 3), mirrored so an
// admin sees the problem next to the field before anything is sent. The API
// stays the authority: its 409/422 answers are shown in the same places.

export const NAME_MAX = 255;
export const SERVICE_NAME_MIN = 2;
export const SERVICE_NAME_MAX = 255;
export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9-]*[a-z0-9]$/;
export const MAX_ORIGINS = 50;
export const GRACE_MAX_SECONDS = 604_800; // 7 days
export const MAX_CLIENT_IDS = 20; // over all providers
export const CLIENT_ID_MAX = 255;
export const PROVIDER_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;
/** The preset providers a deployment may configure (more are named in its settings). */
export const PRESET_PROVIDERS = ['google', 'entra_id'] as const;

const codePoints = (s: string) => [...s].length;

export const nameSchema = z
  .string()
  .trim()
  .refine((s) => s.length > 0, 'Enter a display name.')
  .refine((s) => codePoints(s) <= NAME_MAX, `Use at most ${NAME_MAX} characters.`);

export const serviceNameSchema = z
  .string()
  .trim()
  .refine((s) => s.length > 0, 'Enter a service name.')
  .refine((s) => s.length >= SERVICE_NAME_MIN, `Use at least ${SERVICE_NAME_MIN} characters.`)
  .refine((s) => s.length <= SERVICE_NAME_MAX, `Use at most ${SERVICE_NAME_MAX} characters.`)
  .refine(
    (s) => s.length < SERVICE_NAME_MIN || SERVICE_NAME_PATTERN.test(s),
    'Use lowercase letters, digits and hyphens; start with a letter and end with a letter or digit (e.g. docu-store).',
  );

const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;

/** originProblem explains why value is not an exact origin, or returns null. */
export function originProblem(value: string): string | null {
  if (value.includes('*')) return 'Wildcards are not allowed; list each origin exactly.';
  if (/\s/.test(value)) return 'An origin cannot contain spaces.';
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(value);
  if (!m) return 'Use the form https://host or https://host:port.';
  const [, scheme = '', authority = '', rest = ''] = m;
  if (scheme !== 'http' && scheme !== 'https') return 'Only http:// and https:// origins are allowed.';
  if (rest !== '') {
    return rest === '/'
      ? 'Remove the trailing slash: an origin ends after the host and port.'
      : 'Remove the path, query or fragment: an origin ends after the host and port.';
  }
  if (authority.includes('@')) return 'An origin cannot contain a user name or password.';
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority);
  const host = hp?.[1] ?? '';
  const port = hp?.[2];
  if (!hp || host === '') return 'Add a host name, e.g. https://app.example.com.';
  if (host !== host.toLowerCase()) return 'Write the host in lowercase, as browsers send it.';
  if (!HOST.test(host) && !IPV6.test(host)) return 'The host name is not valid.';
  if (port !== undefined) {
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return 'The port must be a number from 1 to 65535.';
  }
  return null;
}

export const originSchema = z.string().superRefine((value, ctx) => {
  const problem = originProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `${value}: ${problem}` });
});

export const allowedOriginsSchema = z
  .array(originSchema)
  .max(MAX_ORIGINS, `At most ${MAX_ORIGINS} origins are allowed.`)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    for (const o of list) {
      if (seen.has(o)) ctx.addIssue({ code: 'custom', message: `${o} is listed twice.` });
      seen.add(o);
    }
  });

/** providerProblem explains why name is not a provider name, or returns null. */
export function providerProblem(name: string): string | null {
  if (name === '') return 'Enter the provider, e.g. google.';
  if (!PROVIDER_PATTERN.test(name)) {
    return 'Use the provider’s name as the deployment configures it: lowercase letters, digits, _ and -, starting with a letter (e.g. google, entra_id).';
  }
  return null;
}

/** clientIdProblem explains why value is not an OIDC client id the API takes, or returns null. */
export function clientIdProblem(value: string): string | null {
  if (value === '') return 'Enter the client id, e.g. 1234-abc.apps.googleusercontent.com.';
  // Control characters, spaces and other invisible ones.
  if (/[\s\p{C}]/u.test(value)) return 'A client id cannot contain spaces or control characters.';
  if (value.length > CLIENT_ID_MAX) return `Use at most ${CLIENT_ID_MAX} characters.`;
  return null;
}

/** A client id of one identity provider. */
export type ClientIdEntry = { provider: string; clientId: string };

/** clientIdEntries flattens idp_client_ids into entries, providers in name order. */
export function clientIdEntries(ids: Record<string, string[]>): ClientIdEntry[] {
  return Object.keys(ids)
    .sort()
    .flatMap((provider) => (ids[provider] ?? []).map((clientId) => ({ provider, clientId })));
}

/** clientIdRecord groups entries back into idp_client_ids. */
export function clientIdRecord(entries: ClientIdEntry[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const { provider, clientId } of entries) (out[provider] ??= []).push(clientId);
  return out;
}

export const clientIdsSchema = z.record(z.string(), z.array(z.string())).superRefine((ids, ctx) => {
  let total = 0;
  for (const [provider, list] of Object.entries(ids)) {
    const p = providerProblem(provider);
    if (p) ctx.addIssue({ code: 'custom', message: `${provider}: ${p}` });
    list.forEach((id, i) => {
      const problem = clientIdProblem(id);
      if (problem) ctx.addIssue({ code: 'custom', message: `${id}: ${problem}` });
      if (list.indexOf(id) !== i) ctx.addIssue({ code: 'custom', message: `${id} is listed twice for ${provider}.` });
    });
    total += list.length;
  }
  if (total > MAX_CLIENT_IDS) ctx.addIssue({ code: 'custom', message: `At most ${MAX_CLIENT_IDS} client ids are allowed.` });
});

export const gracePeriodSchema = z
  .number({ message: 'Enter a number.' })
  .int('Use whole seconds.')
  .min(0, 'The grace period cannot be negative.')
  .max(GRACE_MAX_SECONDS, 'The grace period can be at most 7 days.');

/** parseOriginsText splits a one-origin-per-line text into trimmed, non-empty entries. */
export function parseOriginsText(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** firstError returns the first message of a failed parse, or null. */
export function firstError<T>(schema: z.ZodType<T>, value: unknown): string | null {
  const r = schema.safeParse(value);
  return r.success ? null : (r.error.issues[0]?.message ?? 'Not valid.');
}
