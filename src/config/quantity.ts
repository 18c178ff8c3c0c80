/**
 * Parses quantities as operators write them into base units.
 *
 * Durations become seconds, percentages become ratios in 0..1, rates become per-second values,
 * and `k`/`M`/`G` suffixes and `_` digit separators are accepted on plain numbers.
 */

/** Raised for a quantity that cannot be read; the message lists the accepted forms. */
export class QuantityError extends Error {
  override name = 'QuantityError';
}

const DURATION_UNITS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
};

const MULTIPLIERS: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9 };

/** Parses a duration such as `60s`, `30m`, `24h`, `7d` or `< 1ms` into seconds. */
export function parseDuration(input: unknown): number {
  if (typeof input === 'number') {
    throw new QuantityError(
      `duration ${input} has no unit: write it with one, such as "${input}s" or "${input}m"`,
    );
  }
  const text = String(input).trim().replace(/^[<>]=?\s*/, '');
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/.exec(text);
  if (!match) {
    throw new QuantityError(
      `invalid duration "${String(input)}": expected a number with a unit ms, s, m, h, d or w, such as "60s"`,
    );
  }
  return Number(match[1]) * DURATION_UNITS[match[2]];
}

/** Parses a plain count or number such as `20`, `1_048_576` or `100k`. */
export function parseNumber(input: unknown): number {
  if (typeof input === 'number') return input;
  const text = String(input).trim().replace(/_/g, '');
  const match = /^(-?\d+(?:\.\d+)?)\s*([kKMG]?)$/.exec(text);
  if (!match) throw new QuantityError(`invalid number "${String(input)}": expected digits such as 20, 1_048_576 or 100k`);
  return Number(match[1]) * MULTIPLIERS[match[2]];
}

/** Parses a ratio written as `70%` or `0.05` into 0..1. */
export function parseRatio(input: unknown): number {
  if (typeof input === 'string' && input.trim().endsWith('%')) {
    const value = parseNumber(input.trim().slice(0, -1));
    if (value < 0 || value > 100) {
      throw new QuantityError(`invalid percentage "${input}": expected a value from 0% to 100%`);
    }
    return value / 100;
  }
  const value = parseNumber(input);
  if (value < 0 || value > 1) {
    throw new QuantityError(
      `invalid ratio ${String(input)}: expected a fraction from 0 to 1, or a percentage such as "5%"`,
    );
  }
  return value;
}

/** Parses a rate such as `100k_msgs/sec`, `3M msgs/sec` or `1000` into events per second. */
export function parseRate(input: unknown): number {
  if (typeof input === 'number') return input;
  const text = String(input).trim();
  const match = /^([\d_.]+\s*[kKMG]?)[\s_]*(?:[a-z]+)?\s*(?:\/\s*(s|sec|second|m|min|minute))?$/i.exec(text);
  if (!match) {
    throw new QuantityError(`invalid rate "${text}": expected a number per second such as "100k_msgs/sec"`);
  }
  const perMinute = match[2] !== undefined && /^m/i.test(match[2]);
  return parseNumber(match[1]) / (perMinute ? 60 : 1);
}
