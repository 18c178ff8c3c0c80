/** Name conversions for generated alerts, files and label values. */

/** Prefix shared by every generated alert name. */
export const ALERT_PREFIX = 'SwarmScaler';

/** Converts `error_rate`, `deadlock-detector` or `system initialization` to `ErrorRate` style. */
export function pascalCase(text: string): string {
  return words(text)
    .map((word) => word[0].toUpperCase() + word.slice(1).toLowerCase())
    .join('');
}

/** Converts `system initialization` or `Component-Registration` to `component_registration`. */
export function snakeCase(text: string): string {
  return words(text)
    .map((word) => word.toLowerCase())
    .join('_');
}

/** Converts `SwarmScalerErrorRateHigh` or `error_rate` to `swarm-scaler-error-rate-high`. */
export function kebabCase(text: string): string {
  return words(text.replace(/([a-z0-9])([A-Z])/g, '$1 $2'))
    .map((word) => word.toLowerCase())
    .join('-');
}

function words(text: string): string[] {
  return text.split(/[^A-Za-z0-9]+/).filter((word) => word.length > 0);
}
