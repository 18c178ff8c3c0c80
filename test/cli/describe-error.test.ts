import { describeError } from '../../src/cli/main';

describe('describeError', () => {
  test('appends causes the message lacks', () => {
    const root = new Error('invalid byte sequence for encoding "UTF8": 0x00');
    const err = new Error('database statement failed (SQLSTATE 22021)', { cause: root });
    expect(describeError(err)).toBe(
      'database statement failed (SQLSTATE 22021): invalid byte sequence for encoding "UTF8": 0x00',
    );
  });

  test('skips a cause already in the message', () => {
    const err = new Error('connect ECONNREFUSED: check DATABASE_URL', {
      cause: new Error('connect ECONNREFUSED'),
    });
    expect(describeError(err)).toBe('connect ECONNREFUSED: check DATABASE_URL');
  });

  test('prints values that are not errors', () => {
    expect(describeError('plain text')).toBe('plain text');
  });
});
