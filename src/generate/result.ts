/**
 * The shared result that generator steps fill in, and the step seam itself. Steps run in a fixed
 * order; each adds one section (rule groups, files) and may read what earlier steps added.
 */
import type { SwarmConfig } from '../config/model';
import type { AlertSpec } from './alert-spec';
import type { GenerateOptions, OutputFormat } from './options';

/** Prometheus rule as it appears in a rule file. */
export interface PrometheusRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A Prometheus rule group. */
export interface RuleGroup {
  name: string;
  interval: string;
  rules: PrometheusRule[];
}

/** One output file, path relative to the output folder, content byte for byte. */
export interface GeneratedFile {
  path: string;
  content: string;
}

/** Input of every step: the config, the options and the alert specs collected from the config. */
export interface GenerationContext {
  config: SwarmConfig;
  options: GenerateOptions;
  alerts: AlertSpec[];
  /** The config file's base name, quoted in every header so output does not depend on the cwd. */
  sourceName: string;
}

/** The shared result. */
export interface GenerationResult {
  alertGroups: RuleGroup[];
  recordingGroups: RuleGroup[];
  /** Alerts without a generated rule test, with the reason, such as a `query:` override. */
  untestedAlerts: { alert: string; reason: string }[];
  files: GeneratedFile[];
}

/** One ordered, versioned generation step. */
export interface GeneratorStep {
  /** Stable id such as `alert-rules`; with `version` it is quoted in file headers. */
  id: string;
  version: number;
  /** Formats this step runs for. */
  formats: readonly OutputFormat[];
  apply(context: GenerationContext, result: GenerationResult): void;
}

/** Returns an empty result. */
export function emptyResult(): GenerationResult {
  return { alertGroups: [], recordingGroups: [], untestedAlerts: [], files: [] };
}
