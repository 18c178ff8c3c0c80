/**
 * Go-compatible copies of Prometheus's template functions `humanize`, `humanizePercentage` and
 * `humanizeDuration` (prometheus/template/template.go, v2.42), plus the unit-aware choice between
 * them. Generated rule tests must predict the exact annotation text Prometheus renders.
 */
import type { Unit } from '../catalog/signals';

const LARGE_PREFIXES = ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
const SMALL_PREFIXES = ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];

/** Formats like Go's `fmt.Sprintf("%.4g", value)`. */
export function formatG4(value: number): string {
  if (value === 0) return '0';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  const exponential = value.toExponential(3);
  const exponent = Number(exponential.split('e')[1]);
  if (exponent < -4 || exponent >= 4) {
    const [mantissa, power] = exponential.split('e');
    const sign = power.startsWith('-') ? '-' : '+';
    const digits = power.replace(/^[+-]/, '').padStart(2, '0');
    return `${trimZeros(mantissa)}e${sign}${digits}`;
  }
  return trimZeros(value.toFixed(Math.max(0, 3 - exponent)));
}

/** Prometheus `humanize`: SI prefixes, four significant digits. */
export function humanize(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return formatG4(value);
  const [scaled, prefix] = scaleSi(value);
  return `${formatG4(scaled)}${prefix}`;
}

/** Prometheus `humanizePercentage`: a ratio as a percentage. */
export function humanizePercentage(value: number): string {
  return `${formatG4(value * 100)}%`;
}

/** Prometheus `humanizeDuration`: seconds as `1m 30s`, `2.5s` or `150ms`. */
export function humanizeDuration(value: number): string {
  if (!Number.isFinite(value)) return formatG4(value);
  if (value === 0) return '0s';
  if (Math.abs(value) >= 1) return humanizeLongDuration(value);
  const [scaled, prefix] = scaleSi(value);
  return `${formatG4(scaled)}${prefix}s`;
}

/**
 * Formats a value in a unit the way the generated alert annotations do. Rates get no `/s`
 * suffix, because every rate measure's description already contains "per second".
 */
export function humanizeForUnit(value: number, unit: Unit): string {
  switch (unit) {
    case 'percentunit':
      return humanizePercentage(value);
    case 's':
      return humanizeDuration(value);
    default:
      return humanize(value);
  }
}

/** Returns the Go template expression that renders `$value` as humanizeForUnit does. */
export function valueTemplate(unit: Unit): string {
  switch (unit) {
    case 'percentunit':
      return '{{ $value | humanizePercentage }}';
    case 's':
      return '{{ $value | humanizeDuration }}';
    default:
      return '{{ $value | humanize }}';
  }
}

function scaleSi(value: number): [number, string] {
  let scaled = value;
  let prefix = '';
  if (Math.abs(scaled) >= 1) {
    for (const candidate of LARGE_PREFIXES) {
      if (Math.abs(scaled) < 1000) break;
      prefix = candidate;
      scaled /= 1000;
    }
    return [scaled, prefix];
  }
  for (const candidate of SMALL_PREFIXES) {
    if (Math.abs(scaled) >= 1) break;
    prefix = candidate;
    scaled *= 1000;
  }
  return [scaled, prefix];
}

function humanizeLongDuration(value: number): string {
  const sign = value < 0 ? '-' : '';
  const seconds = Math.abs(value);
  const whole = Math.trunc(seconds);
  const [days, hours, minutes, secs] = [
    Math.floor(whole / 86400),
    Math.floor(whole / 3600) % 24,
    Math.floor(whole / 60) % 60,
    whole % 60,
  ];
  if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${secs}s`;
  if (hours !== 0) return `${sign}${hours}h ${minutes}m ${secs}s`;
  if (minutes !== 0) return `${sign}${minutes}m ${secs}s`;
  return `${sign}${formatG4(seconds)}s`;
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}
