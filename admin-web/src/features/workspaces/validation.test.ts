import { describe, expect, it } from 'vitest';
import { descriptionSchema, displayNameSchema, emailSchema, firstError, roleSchema, slugSchema, suggestSlug } from './validation';

describe('workspace validation', () => {
  it.each(['ab', 'a1', '00', 'acme-eu', 'a'.repeat(100), '9-lives'])('accepts the slug %s', (slug) => {
    expect(firstError(slugSchema, slug)).toBeNull();
  });

  it.each([
    ['', 'Enter a slug.'],
    ['a', 'Use at least 2 characters.'],
    ['a'.repeat(101), 'Use at most 100 characters.'],
    ['-acme', /lowercase letters, digits and hyphens/],
    ['acme-', /lowercase letters, digits and hyphens/],
    ['Acme', /lowercase letters, digits and hyphens/],
    ['ac_me', /lowercase letters, digits and hyphens/],
    ['ac me', /lowercase letters, digits and hyphens/],
  ])('refuses the slug %j', (slug, message) => {
    const error = firstError(slugSchema, slug);
    if (typeof message === 'string') expect(error).toBe(message);
    else expect(error).toMatch(message);
  });

  it('suggests a slug from a name', () => {
    expect(suggestSlug('Acme Europe')).toBe('acme-europe');
    expect(suggestSlug('  Café (EU) 2 ')).toBe('cafe-eu-2');
    expect(suggestSlug('42 Labs')).toBe('42-labs');
    expect(firstError(slugSchema, suggestSlug('x'.repeat(150)))).toBeNull();
  });

  it('counts name and description lengths in bytes, as the API does', () => {
    expect(firstError(displayNameSchema, '   ')).toBe('Enter a name.');
    expect(firstError(displayNameSchema, 'é'.repeat(127))).toBeNull();
    expect(firstError(displayNameSchema, 'é'.repeat(128))).toBe('Use at most 255 characters.');
    expect(firstError(descriptionSchema, '')).toBeNull();
    expect(firstError(descriptionSchema, 'x'.repeat(1001))).toBe('Use at most 1000 characters.');
  });

  it('checks emails and roles', () => {
    expect(firstError(emailSchema, 'ada@example.com')).toBeNull();
    expect(firstError(emailSchema, '')).toBe('Enter an email address.');
    expect(firstError(emailSchema, 'ada')).toMatch(/Enter an email address/);
    expect(firstError(emailSchema, 'Ada <ada@example.com>')).toMatch(/Enter an email address/);
    expect(roleSchema.safeParse('editor').success).toBe(true);
    expect(roleSchema.safeParse('superuser').success).toBe(false);
  });
});
