import { describe, expect, it } from 'vitest';
import { checkNewPassword } from './change-password-form';

describe('checkNewPassword', () => {
  it('asks for 12 characters to 72 bytes, different from the current one, typed twice alike', () => {
    expect(checkNewPassword('temporary-pass', 'short', 'short')).toMatch(/at least 12/);
    expect(checkNewPassword('temporary-pass', 'é'.repeat(37), 'é'.repeat(37))).toMatch(/72 bytes/);
    expect(checkNewPassword('temporary-pass', 'temporary-pass', 'temporary-pass')).toMatch(/different/);
    expect(checkNewPassword('temporary-pass', 'a long new password', 'a long new passw0rd')).toMatch(/differ/);
    expect(checkNewPassword('temporary-pass', 'a long new password', 'a long new password')).toBeNull();
  });
});
