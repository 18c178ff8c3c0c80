import { isAuthorized, safeEqual } from '../../src/scaler/auth';

const AUTH = {
  bearerToken: 's3cret-token',
  basic: { username: 'alertmanager', password: 'pa:ss' },
};
const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe('credential checks', () => {
  test.each([
    ['matching bearer', 'Bearer s3cret-token', true],
    ['lowercase scheme', 'bearer s3cret-token', true],
    ['bearer with a prefix of the token', 'Bearer s3cret', false],
    ['bearer longer than the token', 'Bearer s3cret-token-and-more', false],
    ['matching basic with a colon in the password', basic('alertmanager:pa:ss'), true],
    ['basic with a wrong user', basic('prometheus:pa:ss'), false],
    ['basic without a colon', basic('alertmanager'), false],
    ['unknown scheme', 'Digest s3cret-token', false],
    ['empty header', '', false],
  ])('%s', (_name, header, expected) => {
    expect(isAuthorized(header, AUTH)).toBe(expected);
  });

  test('missing header is rejected', () => {
    expect(isAuthorized(undefined, AUTH)).toBe(false);
  });

  test('basic alone rejects bearer', () => {
    expect(isAuthorized('Bearer s3cret-token', { basic: AUTH.basic })).toBe(false);
  });

  test('safeEqual compares different lengths', () => {
    expect(safeEqual('a', 'ab')).toBe(false);
    expect(safeEqual('ab', 'ab')).toBe(true);
  });
});
