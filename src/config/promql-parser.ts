/**
 * Loads the Prometheus project's PromQL grammar (`@prometheus-io/lezer-promql`).
 *
 * The package is an ES module with a CommonJS build; its type declarations are resolved as ESM, so
 * this file requires the CommonJS build and borrows the types explicitly.
 */
import type * as LezerPromql from '@prometheus-io/lezer-promql' with { 'resolution-mode': 'import' };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const lezer = require('@prometheus-io/lezer-promql') as typeof LezerPromql;

export const promqlParser = lezer.parser;
