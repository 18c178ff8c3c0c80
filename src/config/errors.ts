/** Errors raised while loading a swarm config. */
import type { SourceRef } from './model';

/** One problem in a config file, with where it is and what is accepted. */
export interface ConfigIssue {
  message: string;
  source: SourceRef;
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

  /** Formats issues as `file:line:column: path: message`, one per line. */
  static format(file: string, issues: ConfigIssue[]): string {
    const lines = issues.map(({ source, message }) => {
      const where = `${source.file}:${source.line}:${source.column}`;
      return source.path ? `${where}: ${source.path}: ${message}` : `${where}: ${message}`;
    });
    return `invalid config ${file} (${issues.length} ${issues.length === 1 ? 'error' : 'errors'}):\n${lines.join('\n')}`;
  }
}
