import {
  formatG4,
  humanize,
  humanizeDuration,
  humanizePercentage,
} from '../../src/generate/humanize';
import { renderAnnotation } from '../../src/generate/annotation-template';

// Expected strings are what Go's fmt and Prometheus 2.42's template functions print.
describe('humanize', () => {
  test.each([
    [0, '0'],
    [10, '10'],
    [0.1, '0.1'],
    [248.5, '248.5'],
    [1 / 3, '0.3333'],
    [123456, '1.235e+05'],
    [0.00001234, '1.234e-05'],
  ])('formatG4(%d) is %s', (value, text) => {
    expect(formatG4(value)).toBe(text);
  });

  test.each([
    [15, '15'],
    [1500, '1.5k'],
    [150000, '150k'],
    [2_500_000, '2.5M'],
    [0.25, '250m'],
  ])('humanize(%d) is %s', (value, text) => {
    expect(humanize(value)).toBe(text);
  });

  test.each([
    [0.075, '7.5%'],
    [0.45, '45%'],
    [1, '100%'],
  ])('humanizePercentage(%d) is %s', (value, text) => {
    expect(humanizePercentage(value)).toBe(text);
  });

  test.each([
    [0, '0s'],
    [0.2485, '248.5ms'],
    [2.5, '2.5s'],
    [90, '1m 30s'],
    [3725, '1h 2m 5s'],
    [90000, '1d 1h 0m 0s'],
  ])('humanizeDuration(%d) is %s', (value, text) => {
    expect(humanizeDuration(value)).toBe(text);
  });

  test('annotation template renders value and labels', () => {
    const text = renderAnnotation(
      '{{ $value | humanizePercentage }} on {{ $labels.instance }} ({{ $value }})',
      1,
      { instance: 'a:1' },
    );
    expect(text).toBe('100% on a:1 (1)');
  });

  test('annotation template rejects unknown actions', () => {
    expect(() => renderAnnotation('{{ $value | printf "%.2f" }}', 1, {})).toThrow('unsupported');
  });
});
