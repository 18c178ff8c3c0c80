/**
 * The generator: runs the ordered steps over a swarm config and returns the output files.
 */
import { basename } from 'node:path';

import type { SwarmConfig } from '../config/model';
import { collectAlerts } from './collect-alerts';
import { SCRAPE_JOB } from './scrape-job';
import { resolveOptions, type GenerateOptions } from './options';
import { emptyResult, type GenerationResult, type GeneratorStep } from './result';
import { STEPS } from './steps';

/** Generates every output file for `config`; the same input always gives the same bytes. */
export function generate(
  config: SwarmConfig,
  overrides: Partial<GenerateOptions> = {},
  steps: readonly GeneratorStep[] = STEPS,
): GenerationResult {
  const options = resolveOptions({ ...configOptions(config), ...dropUndefined(overrides) });
  const context = {
    config,
    options,
    alerts: collectAlerts(config, SCRAPE_JOB),
    sourceName: basename(config.source.file),
  };
  const result = emptyResult();
  for (const step of steps) {
    if (step.formats.includes(options.format)) step.apply(context, result);
  }
  result.files.sort((a, b) => compareStrings(a.path, b.path));
  return result;
}

/**
 * Options the config sets: `scaler.watchdog_interval` is the watchdog's repeat interval, so the
 * route and the scaler's freeze window agree. A `--watchdog-interval` flag still overrides it.
 */
function configOptions(config: SwarmConfig): Partial<GenerateOptions> {
  const seconds = config.scaler.watchdogIntervalSeconds;
  return seconds === undefined ? {} : { watchdogInterval: singleUnitDuration(seconds) };
}

/** Formats seconds in one unit (`1m`, `90s`, `1500ms`), the only form the options accept. */
function singleUnitDuration(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}

/** Orders by UTF-16 code units, independent of the locale, so file order is the same anywhere. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
