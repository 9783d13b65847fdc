import { describe, expect, it } from 'vitest';
import {
  allowedOriginsSchema,
  firstError,
  gracePeriodSchema,
  nameSchema,
  originProblem,
  parseOriginsText,
  serviceNameSchema,
} from './validation';

describe('service app validation mirrors the API', () => {
  it.each([
    ['', 'Enter a display name.'],
    ['   ', 'Enter a display name.'],
    ['x'.repeat(256), 'Use at most 255 characters.'],
    ['Document store', null],
    ['x'.repeat(255), null],
  ])('name %j', (value, want) => {
    expect(firstError(nameSchema, value)).toBe(want);
  });

  it.each([
    ['docu-store', true],
    ['ab', true],
    ['a1', true],
    ['a', false],
    ['', false],
    ['Docu-store', false],
    ['docu_store', false],
    ['1docu', false],
    ['docu-', false],
    ['-docu', false],
    ['docu store', false],
    ['a' + 'b'.repeat(254), true],
    ['a' + 'b'.repeat(255), false],
  ])('service_name %j valid=%s', (value, valid) => {
    expect(firstError(serviceNameSchema, value) === null).toBe(valid);
  });

  it.each([
    ['https://app.example.com', null],
    ['http://localhost:3000', null],
    ['https://127.0.0.1:8443', null],
    ['http://[::1]:5173', null],
    ['https://app.example.com/', 'trailing slash'],
    ['https://app.example.com/path', 'path'],
    ['https://app.example.com?x=1', 'path, query'],
    ['https://*.example.com', 'Wildcards'],
    ['*', 'Wildcards'],
    ['ftp://example.com', 'Only http:// and https://'],
    ['example.com', 'Use the form'],
    ['https://', 'Add a host'],
    ['https://App.Example.com', 'lowercase'],
    ['https://example.com:99999', 'port'],
    ['https://example.com:', 'port'],
    ['https://user@example.com', 'user name'],
    ['https://exa mple.com', 'spaces'],
  ])('origin %j', (value, want) => {
    const problem = originProblem(value);
    if (want === null) expect(problem).toBeNull();
    else expect(problem).toContain(want);
  });

  it('allows at most 50 distinct origins', () => {
    const fifty = Array.from({ length: 50 }, (_, i) => `https://app${i}.example.com`);
    expect(firstError(allowedOriginsSchema, fifty)).toBeNull();
    expect(firstError(allowedOriginsSchema, [...fifty, 'https://one-more.example.com'])).toBe('At most 50 origins are allowed.');
    expect(firstError(allowedOriginsSchema, ['https://a.example.com', 'https://a.example.com'])).toContain('listed twice');
    expect(firstError(allowedOriginsSchema, ['https://a.example.com/x'])).toContain('https://a.example.com/x:');
  });

  it('reads one origin per line, ignoring blanks', () => {
    expect(parseOriginsText(' https://a.example.com \n\n http://localhost:3000\n')).toEqual([
      'https://a.example.com',
      'http://localhost:3000',
    ]);
  });

  it.each([
    [0, true],
    [3600, true],
    [604800, true],
    [604801, false],
    [-1, false],
    [1.5, false],
  ])('grace_period_seconds %d valid=%s', (value, valid) => {
    expect(gracePeriodSchema.safeParse(value).success).toBe(valid);
  });
});
