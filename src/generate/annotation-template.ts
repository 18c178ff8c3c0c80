/**
 * Renders the small subset of Go templates that generated annotations use, the way Prometheus
 * does, so that rule tests can state the exact annotations an alert carries.
 */
import { humanize, humanizeDuration, humanizePercentage } from './humanize';

const FUNCTIONS: Record<string, (value: number) => string> = {
  humanize,
  humanizeDuration,
  humanizePercentage,
};

/**
 * Replaces `{{ $value }}`, `{{ $value | fn }}` and `{{ $labels.name }}`; throws on any other
 * action, so a new template construct cannot silently produce a wrong expectation.
 */
export function renderAnnotation(
  template: string,
  value: number,
  labels: Record<string, string>,
): string {
  return template.replace(/\{\{\s*(.*?)\s*\}\}/g, (_match, action: string) => {
    const label = /^\$labels\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(action);
    if (label) return labels[label[1]] ?? '';
    if (action === '$value') return formatGoFloat(value);
    const piped = /^\$value\s*\|\s*([A-Za-z]+)$/.exec(action);
    const fn = piped ? FUNCTIONS[piped[1]] : undefined;
    if (!fn) throw new Error(`unsupported template action "{{ ${action} }}" in "${template}"`);
    return fn(value);
  });
}

/**
 * Go's default float formatting (`%v`), for the integers below 1e6 where it matches JavaScript's;
 * throws for other values rather than guess Go's exponent rules.
 */
function formatGoFloat(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  throw new Error(`cannot predict how Go prints ${value}: use a humanize function in the template`);
}
