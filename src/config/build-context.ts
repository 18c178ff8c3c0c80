/**
 * Collects the issues and warnings of one build, and parses quantities and PromQL at a key path
 * so that every problem carries its position. Nothing here throws for bad input.
 */
import { isScalar } from 'yaml';

import type { ConfigIssue, IssueCode } from './errors';
import type { ConfigWarning } from './model';
import { checkPromql, isKnownMetric, knownMetricNames } from './promql-check';
import { parserFor, QuantityError, type QuantityKind } from './quantity';
import { didYouMean } from './suggest';
import type { YamlSource } from './yaml-source';

/** Key path into the document, such as `['scaling_rules', 'error_rate', 'threshold']`. */
export type Path = (string | number)[];

/** Issues, warnings and positioned parsing for one build of the model. */
export class BuildContext {
  readonly issues: ConfigIssue[] = [];
  readonly warnings: ConfigWarning[] = [];

  constructor(
    readonly source: YamlSource,
    readonly strict: boolean,
  ) {}

  /** Records an error at `path`. */
  issue(code: IssueCode, path: Path, message: string): void {
    this.issues.push({ code, message, source: this.source.locate(path) });
  }

  /** Records a warning at `path`. */
  warn(code: string, path: Path, message: string): void {
    this.warnings.push({ code, message, source: this.source.locate(path) });
  }

  /** Parses a quantity in base units; undefined when absent or invalid (then an issue is recorded). */
  quantity(path: Path, kind: QuantityKind, value: unknown): number | undefined {
    if (value === undefined) return undefined;
    try {
      return parserFor(kind)(value);
    } catch (err) {
      if (!(err instanceof QuantityError)) throw err;
      this.issue(err.code, path, err.message);
      return undefined;
    }
  }

  /** Like `quantity`, with a fallback for absent or invalid values. */
  quantityOr(path: Path, kind: QuantityKind, value: unknown, fallback: number): number {
    return this.quantity(path, kind, value) ?? fallback;
  }

  /** Checks a PromQL expression at `path`: a syntax error is an issue, an unknown metric a warning. */
  promql(path: Path, query: string): void {
    const { syntaxError, metrics } = checkPromql(query);
    if (syntaxError) {
      const source = this.source.locate(path);
      const node = this.source.doc.getIn(path, true);
      const quoted =
        isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
      const column = source.column + syntaxError.offset + (quoted ? 1 : 0);
      this.issues.push({
        code: 'invalid-promql',
        message: `invalid PromQL ${JSON.stringify(query)}: ${syntaxError.message} at character ${syntaxError.offset + 1}: write a valid PromQL expression, such as "sum(rate(nats_messages_processed_total[1m]))"`,
        source: { ...source, column },
      });
      return;
    }
    for (const metric of metrics.filter((name) => !isKnownMetric(name))) {
      this.warn(
        'unknown-metric',
        path,
        `metric "${metric}" is not in the catalogue${didYouMean(metric, knownMetricNames())}: swarm-scaler does not export it, so the query returns data only if another exporter does`,
      );
    }
  }
}
