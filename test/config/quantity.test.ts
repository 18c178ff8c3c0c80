import {
  formatBaseUnits,
  formatQuantity,
  parseBytes,
  parseDuration,
  parseNumber,
  parseRate,
  parseRatio,
  QuantityError,
} from '../../src/config/quantity';

describe('parseDuration', () => {
  test.each([
    ['60s', 60],
    ['30m', 1800],
    ['24h', 86400],
    ['7d', 604800],
    ['1w', 604800],
    ['500ms', 0.5],
    ['< 1ms', 0.001],
    ['<= 200ms', 0.2],
    ['1h30m', 5400],
    ['1.5s', 1.5],
    [' 60s ', 60],
    [0, 0],
  ])('%p is %p seconds', (input, seconds) => {
    expect(parseDuration(input)).toBeCloseTo(seconds, 9);
  });

  test.each([
    [60, 'ambiguous-quantity', /has no unit/],
    ['60', 'ambiguous-quantity', /has no unit/],
    ['60 seconds', 'invalid-quantity', /expected a number with a unit/],
    ['2 minutes', 'invalid-quantity', /such as "60s"/],
    ['-5s', 'invalid-quantity', /is invalid/],
    ['forever', 'invalid-quantity', /is invalid/],
    ['', 'invalid-quantity', /is invalid/],
  ])('%p is rejected as %s', (input, code, message) => {
    const error = catchError(() => parseDuration(input));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});

describe('parseRatio', () => {
  test.each([
    ['70%', 0.7],
    ['5%', 0.05],
    ['0%', 0],
    ['100%', 1],
    ['12.5%', 0.125],
    [0.05, 0.05],
    ['0.05', 0.05],
    [1, 1],
    [0, 0],
  ])('%p is %p', (input, ratio) => {
    expect(parseRatio(input)).toBeCloseTo(ratio, 9);
  });

  test.each([
    ['150%', 'ambiguous-quantity', /above 100%/],
    [70, 'ambiguous-quantity', /write a percentage such as "70%" or a fraction such as 0.7/],
    ['abc%', 'invalid-quantity', /ratio "abc%" is invalid: expected a percentage such as "5%"/],
    [-0.1, 'invalid-quantity', /0 or more/],
  ])('%p is rejected as %s', (input, code, message) => {
    const error = catchError(() => parseRatio(input));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});

describe('parseRate', () => {
  test.each([
    ['100k_msgs/sec', 100_000],
    ['3M msgs/sec', 3_000_000],
    ['100k events/sec', 100_000],
    ['1000', 1000],
    [1000, 1000],
    ['600/min', 10],
    ['7200 requests/hour', 2],
    ['1_000_msgs/s', 1000],
    ['2.5k/s', 2500],
  ])('%p is %p per second', (input, perSecond) => {
    expect(parseRate(input)).toBeCloseTo(perSecond, 9);
  });

  test.each([
    ['fast', /rate "fast" is invalid/],
    ['100/fortnight', /expected a number per second/],
    ['5s', /looks like a duration/],
    ['100m', /looks like a duration/],
  ])('%p is rejected', (input, message) => {
    expect(catchError(() => parseRate(input)).message).toMatch(message);
  });
});

describe('parseNumber', () => {
  test.each([
    [20, 20],
    ['1_048_576', 1_048_576],
    ['100k', 100_000],
    ['3M', 3_000_000],
    ['1G', 1e9],
    ['1e3', 1000],
    ['< 1000', 1000],
  ])('%p is %p', (input, value) => {
    expect(parseNumber(input)).toBe(value);
  });

  test.each([['twenty'], ['100m'], [-4], ['1,000'], [Number.NaN]])('%p is rejected', (input) => {
    expect(catchError(() => parseNumber(input)).code).toBe('invalid-quantity');
  });
});

describe('parseBytes', () => {
  test.each([
    ['1_048_576', 1_048_576],
    [4096, 4096],
    ['1MiB', 1_048_576],
    ['512KiB', 524_288],
    ['1MB', 1_000_000],
    ['2GiB', 2 * 1024 ** 3],
    ['10B', 10],
  ])('%p is %p bytes', (input, bytes) => {
    expect(parseBytes(input)).toBe(bytes);
  });

  test.each([['1 parsec'], ['lots'], ['1MiBs']])('%p is rejected', (input) => {
    expect(catchError(() => parseBytes(input)).message).toMatch(/size .* is invalid/);
  });
});

describe('formatQuantity', () => {
  test.each([
    [0.7, 'ratio', '70%'],
    [90, 'duration', '1m30s'],
    [0.001, 'duration', '1ms'],
    [86400, 'duration', '1d'],
    [100000, 'rate', '100000/s'],
    [20, 'count', '20'],
    [1024, 'bytes', '1024 B'],
  ] as const)('%p as %s reads %p', (value, kind, text) => {
    expect(formatQuantity(value, kind)).toBe(text);
  });
});

describe('formatBaseUnits', () => {
  test.each([
    [0.7, 'ratio', '0.7 (70%)'],
    [60, 'duration', '60s'],
    [0.1, 'duration', '0.1s'],
    [86400, 'duration', '86400s (1d)'],
    [100000, 'rate', '100000/s'],
    [20, 'count', '20'],
  ] as const)('%p as %s reads %p', (value, kind, text) => {
    expect(formatBaseUnits(value, kind)).toBe(text);
  });
});

function catchError(action: () => unknown): QuantityError {
  try {
    action();
  } catch (err) {
    if (err instanceof QuantityError) return err;
    throw err;
  }
  throw new Error('expected a QuantityError');
}
