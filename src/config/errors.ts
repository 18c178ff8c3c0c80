/** Errors raised while loading a swarm config. */
import type { SourceRef } from './model';

/**
 * Classes of config problems; each issue carries one so that tests and tools can match on it.
 * docs/config.md describes each class with an example.
 */
export type IssueCode =
  | 'file-unreadable'
  | 'file-too-large'
  | 'yaml-syntax'
  | 'duplicate-key'
  | 'alias-limit'
  | 'empty-file'
  | 'not-a-mapping'
  | 'no-yaml-blocks'
  | 'unknown-key'
  | 'missing-key'
  | 'wrong-type'
  | 'invalid-value'
  | 'invalid-quantity'
  | 'ambiguous-quantity'
  | 'invalid-condition'
  | 'unknown-measure'
  | 'unresolved-name'
  | 'invalid-promql'
  | 'duplicate-id'
  | 'inconsistent';

/** One problem in a config file, with where it is and what is accepted. */
export interface ConfigIssue {
  message: string;
  source: SourceRef;
  /** Problem class; absent only on issues built by older callers. */
  code?: IssueCode;
}

/** Raised when a config file is invalid; carries every issue found, not only the first. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';

  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
    options?: ErrorOptions,
  ) {
    super(ConfigError.format(file, issues), options);
  }

  /** Formats issues as `file:line:column: path: message`, one per line, in file order. */
  static format(file: string, issues: ConfigIssue[]): string {
    const lines = sortIssues(issues).map(({ source, message }) => {
      const where = `${source.file}:${source.line}:${source.column}`;
      return source.path ? `${where}: ${source.path}: ${message}` : `${where}: ${message}`;
    });
    const count = `${issues.length} ${issues.length === 1 ? 'error' : 'errors'}`;
    return `invalid config ${file} (${count}):\n${lines.join('\n')}`;
  }
}

/** Sorts issues by line and column, keeping the order of issues at the same place. */
export function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort(
    (a, b) => a.source.line - b.source.line || a.source.column - b.source.column,
  );
}
