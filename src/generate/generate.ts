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
  const options = resolveOptions(overrides);
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

/** Orders by UTF-16 code units, independent of the locale, so file order is the same anywhere. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
