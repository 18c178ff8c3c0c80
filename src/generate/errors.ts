/** Errors raised while generating rules, configs and dashboards. */

/** Stable codes of GenerateError. */
export type GenerateErrorCode =
  | 'GENERATE_OPTION_INVALID'
  | 'GENERATE_NAME_CLASH'
  | 'GENERATE_MEASURE_UNKNOWN'
  | 'GENERATE_WRITE_FAILED';

/** Raised when the config or the options cannot be turned into valid output. */
export class GenerateError extends Error {
  override name = 'GenerateError';

  constructor(
    readonly code: GenerateErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
