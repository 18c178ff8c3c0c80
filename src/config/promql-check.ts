/**
 * Checks PromQL written in the config: syntax through the Prometheus project's own grammar, and
 * metric names against the catalogue, so that a typo fails at load time and not in Prometheus.
 */
import { SIGNALS } from '../catalog/signals';
import { promqlParser } from './promql-parser';

/** Recording rules the generator publishes, queryable like exported metrics. */
export const RECORDING_RULE_NAMES = [
  'jetstream_kv_operations_per_second',
  'error_recovery_success_rate',
] as const;

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

/** The result of checking one expression. */
export interface PromqlCheck {
  /** The first syntax error: offset into the expression (0-based) and what was found there. */
  syntaxError?: { offset: number; message: string };
  /** Metric names the expression selects, in order, without duplicates. */
  metrics: string[];
}

/** Parses `query` and lists the metrics it selects. */
export function checkPromql(query: string): PromqlCheck {
  const tree = promqlParser.parse(query);
  const metrics: string[] = [];
  let syntaxError: PromqlCheck['syntaxError'];
  tree.iterate({
    enter(node) {
      if (node.type.isError && syntaxError === undefined) {
        syntaxError = { offset: node.from, message: describeError(query, node.from) };
      }
      const name = metricName(query, node.node);
      if (name !== undefined && !metrics.includes(name)) metrics.push(name);
    },
  });
  return syntaxError ? { syntaxError, metrics } : { metrics };
}

/** True when the catalogue exports the metric or the generator records it. */
export function isKnownMetric(name: string): boolean {
  if ((RECORDING_RULE_NAMES as readonly string[]).includes(name)) return true;
  return SIGNALS.some((signal) => {
    if (signal.metric === name) return true;
    return (
      signal.type === 'histogram' &&
      HISTOGRAM_SUFFIXES.some((suffix) => signal.metric + suffix === name)
    );
  });
}

/** Lists every name a query may select: exported metrics, histogram series and recording rules. */
export function knownMetricNames(): string[] {
  const names = SIGNALS.flatMap((signal) =>
    signal.type === 'histogram'
      ? [signal.metric, ...HISTOGRAM_SUFFIXES.map((s) => signal.metric + s)]
      : [signal.metric],
  );
  return [...names, ...RECORDING_RULE_NAMES];
}

/** The part of a lezer syntax node this file reads. */
interface TreeNode {
  from: number;
  to: number;
  type: { name: string };
  parent: TreeNode | null;
  getChild(name: string): TreeNode | null;
}

function metricName(query: string, node: TreeNode): string | undefined {
  if (node.type.name === 'Identifier' && node.parent?.type.name === 'VectorSelector') {
    return query.slice(node.from, node.to);
  }
  // {__name__="metric"} selects by name too.
  if (node.type.name === 'StringLiteral' && node.parent?.type.name === 'UnquotedLabelMatcher') {
    const label = node.parent.getChild('LabelName');
    if (label && query.slice(label.from, label.to) === '__name__')
      return query.slice(node.from + 1, node.to - 1);
  }
  return undefined;
}

function describeError(query: string, offset: number): string {
  if (offset >= query.length) return 'unexpected end of expression';
  return `unexpected "${query.slice(offset, offset + 12)}"`;
}
