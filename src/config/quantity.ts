/**
 * Parses quantities as operators write them into base units.
 *
 * Durations become seconds, percentages become ratios in 0..1, rates become events per second and
 * sizes become bytes. Plain numbers accept `_` digit separators and the suffixes `k`, `M`, `G`.
 * Input that could mean two things (a duration without a unit, a percentage above 100) is
 * rejected with a message that shows how to write it, never guessed.
 */

/** Raised for a quantity that cannot be read; the message names the value and the accepted forms. */
export class QuantityError extends Error {
  override name = 'QuantityError';
  readonly code: 'invalid-quantity' | 'ambiguous-quantity';

  constructor(message: string, code: QuantityError['code'] = 'invalid-quantity') {
    super(message);
    this.code = code;
  }
}

/** The kinds of quantity a key can hold, each with its base unit. */
export type QuantityKind = 'count' | 'ratio' | 'rate' | 'duration' | 'bytes';

const DURATION_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
};

const MULTIPLIERS: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9 };

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

const RATE_PERIOD_SECONDS: Record<string, number> = {
  s: 1,
  sec: 1,
  second: 1,
  m: 60,
  min: 60,
  minute: 60,
  h: 3600,
  hr: 3600,
  hour: 3600,
};

// A leading bound such as `< 1ms` states a maximum or minimum; the value is what is kept.
const BOUND_PREFIX = /^(?:<=|>=|<|>)\s*/;
const NUMBER = String.raw`\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?`;

function show(input: unknown): string {
  return typeof input === 'string' ? `"${input}"` : String(input);
}

function stripBound(input: unknown): string {
  return String(input).trim().replace(BOUND_PREFIX, '');
}

/** Parses a duration such as `60s`, `30m`, `24h`, `7d`, `1h30m`, `500ms` or `< 1ms` into seconds. */
export function parseDuration(input: unknown): number {
  if (typeof input === 'number') {
    if (input === 0) return 0;
    throw new QuantityError(
      `duration ${input} has no unit: write it with one, such as "${input}s" or "${input}m"`,
      'ambiguous-quantity',
    );
  }
  const text = stripBound(input);
  const parts = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/.test(text)
    ? [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)]
    : [];
  if (parts.length === 0) {
    if (/^\d+(?:\.\d+)?$/.test(text)) {
      throw new QuantityError(
        `duration ${show(input)} has no unit: write it with one of ms, s, m, h, d or w, such as "${text}s" or "${text}m"`,
        'ambiguous-quantity',
      );
    }
    throw new QuantityError(
      `duration ${show(input)} is invalid: expected a number with a unit ms, s, m, h, d or w, such as "60s" or "1h30m"`,
    );
  }
  return parts.reduce((sum, [, value, unit]) => sum + Number(value) * DURATION_SECONDS[unit], 0);
}

/** Parses a non-negative count or number such as `20`, `1_048_576`, `100k` or `3M`. */
export function parseNumber(input: unknown): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) {
      throw new QuantityError(`number ${input} is invalid: expected a finite value of 0 or more`);
    }
    return input;
  }
  const text = stripBound(input);
  const match = new RegExp(`^(${NUMBER})\\s*([kKMG]?)$`).exec(text);
  if (typeof input !== 'string' || !match) {
    throw new QuantityError(
      `number ${show(input)} is invalid: expected digits such as 20, 1_048_576, 100k or 3M`,
    );
  }
  return Number(match[1].replace(/_/g, '')) * MULTIPLIERS[match[2]];
}

/** Parses a ratio written as `70%` or `0.05` into 0..1; `70` without `%` is rejected as ambiguous. */
export function parseRatio(input: unknown): number {
  const text = typeof input === 'string' ? stripBound(input) : undefined;
  if (text !== undefined && text.endsWith('%')) {
    const percent = asRatio(input, () => parseNumber(text.slice(0, -1).trim()));
    if (percent > 100) {
      throw new QuantityError(
        `percentage ${show(input)} is above 100%: expected a value from 0% to 100%`,
        'ambiguous-quantity',
      );
    }
    return percent / 100;
  }
  const value = asRatio(input, () => parseNumber(input));
  if (value > 1) {
    throw new QuantityError(
      `ratio ${show(input)} is above 1: write a percentage such as "${value}%" or a fraction such as ${value / 100}`,
      'ambiguous-quantity',
    );
  }
  return value;
}

/** Runs `parse`, replacing a plain-number hint with the forms a ratio accepts. */
function asRatio(input: unknown, parse: () => number): number {
  try {
    return parse();
  } catch (err) {
    // A number that parses but is out of range keeps its own message, which names the range.
    if (!(err instanceof QuantityError) || typeof input === 'number') throw err;
    throw new QuantityError(
      `ratio ${show(input)} is invalid: expected a percentage such as "5%" or a fraction from 0 to 1 such as 0.05`,
    );
  }
}

/**
 * Parses a rate such as `100k_msgs/sec`, `3M msgs/sec`, `600/min` or `1000` into events per
 * second. A number without a period is per second.
 */
export function parseRate(input: unknown): number {
  if (typeof input === 'number') return parseNumber(input);
  const text = stripBound(input);
  const match = new RegExp(
    `^(${NUMBER}\\s*[kKMG]?)(?:[\\s_]*([a-zA-Z][a-zA-Z_-]*))?\\s*(?:/\\s*([a-zA-Z]+))?$`,
  ).exec(text);
  const period = match?.[3]?.toLowerCase();
  if (!match || (period !== undefined && RATE_PERIOD_SECONDS[period] === undefined)) {
    throw new QuantityError(
      `rate ${show(input)} is invalid: expected a number per second such as 1000, "100k_msgs/sec", "3M msgs/sec" or "600/min"`,
    );
  }
  if (/^(?:ms|s|m|h|d|w)$/.test(match[2] ?? '') && period === undefined) {
    throw new QuantityError(
      `rate ${show(input)} looks like a duration: expected a number per second such as "100k_msgs/sec"`,
    );
  }
  return parseNumber(match[1].trim()) / RATE_PERIOD_SECONDS[period ?? 's'];
}

/** Parses a size such as `1_048_576`, `1MiB`, `512KiB` or `1MB` into bytes (`MB` is 10^6, `MiB` 2^20). */
export function parseBytes(input: unknown): number {
  if (typeof input === 'number') return parseNumber(input);
  const text = stripBound(input);
  const match = new RegExp(`^(${NUMBER})\\s*([a-z]*)$`, 'i').exec(text);
  const factor = match ? BYTE_UNITS[match[2].toLowerCase() || 'b'] : undefined;
  if (!match || factor === undefined) {
    throw new QuantityError(
      `size ${show(input)} is invalid: expected bytes such as 1_048_576, "512KiB", "1MiB" or "1MB"`,
    );
  }
  return Number(match[1].replace(/_/g, '')) * factor;
}

/** Returns the parser for a quantity kind. */
export function parserFor(kind: QuantityKind): (input: unknown) => number {
  switch (kind) {
    case 'ratio':
      return parseRatio;
    case 'rate':
      return parseRate;
    case 'duration':
      return parseDuration;
    case 'bytes':
      return parseBytes;
    default:
      return parseNumber;
  }
}

/** Formats a base-unit value for people: `0.7` as a ratio reads `70%`, `90` seconds `1m30s`. */
export function formatQuantity(value: number, kind: QuantityKind): string {
  switch (kind) {
    case 'ratio':
      return `${round(value * 100)}%`;
    case 'rate':
      return `${round(value)}/s`;
    case 'duration':
      return formatDuration(value);
    case 'bytes':
      return `${round(value)} B`;
    default:
      return String(round(value));
  }
}

/**
 * Formats a value in its base unit, adding the human form of ratios and of durations from an
 * hour on: `0.7 (70%)`, `60s`, `86400s (1d)`, `100000/s`.
 */
export function formatBaseUnits(value: number, kind: QuantityKind): string {
  const base = round(value);
  switch (kind) {
    case 'ratio':
      return `${base} (${formatQuantity(value, 'ratio')})`;
    case 'duration':
      return value < 3600 ? `${base}s` : `${base}s (${formatDuration(value)})`;
    default:
      return formatQuantity(value, kind);
  }
}

function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  if (seconds < 1) return `${round(seconds * 1000)}ms`;
  const units: [string, number][] = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  let rest = seconds;
  let text = '';
  for (const [unit, size] of units) {
    const whole = unit === 's' ? round(rest) : Math.floor(rest / size);
    if (whole > 0) text += `${whole}${unit}`;
    rest -= whole * size;
  }
  return text;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
