import { AppError } from '../errors/app-error';
import { assertPasswordPolicy, generatePassword, passwordProblems } from './password-policy';

describe('password policy', () => {
  const reasons = (pw: string, user?: string) => passwordProblems(pw, user).map((p) => p.reason);

  it('accepts long passwords mixing three classes that are neither common nor the username', () => {
    for (const pw of ['test-password-1', 'taken-over-2026', 'Qz7-lantern-mill', 'Gh4kP9wq2xLm', '示范县-政务-2026a']) expect(reasons(pw, 'editor')).toEqual([]);
  });

  it('refuses the passwords of the finding and says why', () => {
    expect(reasons('12345678')).toEqual(expect.arrayContaining(['must be at least 10 characters', 'is a commonly used password']));
    expect(reasons('password')).toEqual(
      expect.arrayContaining([
        'must be at least 10 characters',
        'must mix at least three of: lower case, upper case, digits, symbols',
        'is a commonly used password',
      ]),
    );
  });

  it('refuses short, single- or two-class passwords', () => {
    expect(reasons('Ab1-xyz9q')).toEqual(['must be at least 10 characters']);
    expect(reasons('lanternmillbrook')).toEqual(['must mix at least three of: lower case, upper case, digits, symbols']);
    expect(reasons('lanternmill2026')).toEqual(['must mix at least three of: lower case, upper case, digits, symbols']);
  });

  it('refuses common passwords decorated with digits, symbols and leetspeak', () => {
    for (const pw of [
      'Password2024!',
      'P@ssw0rd123',
      'Passw0rd!!x'.slice(0, 10),
      'Woaini1314!',
      'Admin@12345',
      '1qaz@WSX3edc',
      'Qwerty12345',
      'Ab1Ab1Ab1Ab1',
    ]) {
      expect([pw, reasons(pw)]).toEqual([pw, expect.arrayContaining(['is a commonly used password'])]);
    }
  });

  it('refuses the username, in any case or reversed', () => {
    expect(reasons('Zhang.San-01', 'zhang.san-01')).toEqual(['must not be the username']);
    expect(reasons('10-nas.gnahZ', 'zhang.san-01')).toEqual(['must not be the username']);
    expect(reasons('Zhang.San-01', 'li.si')).toEqual([]);
  });

  it('throws a 400 WEAK_PASSWORD naming the field and every broken rule', () => {
    let err: unknown;
    try {
      assertPasswordPolicy('12345678', 'editor', 'password');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 400, code: 'WEAK_PASSWORD' });
    expect((err as AppError).message).toMatch(/^密码不符合要求：至少 10 个字符/);
    expect((err as AppError).details).toEqual(
      expect.arrayContaining([
        { field: 'password', reason: 'must be at least 10 characters' },
        { field: 'password', reason: 'is a commonly used password' },
      ]),
    );
    expect(() => assertPasswordPolicy('test-password-1', 'editor')).not.toThrow();
  });

  it('generates passwords that satisfy it', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const pw = generatePassword();
      expect([pw, reasons(pw, 'admin')]).toEqual([pw, []]);
      seen.add(pw);
    }
    expect(seen.size).toBe(500);
  });
});
