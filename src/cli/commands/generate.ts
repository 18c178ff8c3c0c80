/**
 * `swarm-scaler generate`: writes alert and recording rules, rule tests, prometheus.yml,
 * alertmanager.yml and Grafana dashboards from a swarm config. With `--check` it writes nothing
 * and exits 1 when the files on disk differ from what the config produces.
 */
import { resolve } from 'node:path';

import type { Command } from 'commander';

import { loadConfig } from '../../config/load';
import { GenerateError } from '../../generate/errors';
import { generate } from '../../generate/generate';
import {
  DEFAULT_OPTIONS,
  OUTPUT_FORMATS,
  type GenerateOptions,
  type OutputFormat,
} from '../../generate/options';
import { findDrift, writeFiles } from '../../generate/output-files';
import type { GeneratedFile } from '../../generate/result';
import { DEFAULT_CONFIG } from '../defaults';
import { EXIT, type CliIo } from '../io';
import type { RegisterCommand } from './index';

interface GenerateFlags {
  config: string;
  out: string;
  check?: boolean;
  format: string;
  serviceAddress?: string;
  alertmanagerAddress?: string;
  prometheusAddress?: string;
  webhookCredentialsFile?: string;
  scrapeInterval?: string;
  evaluationInterval?: string;
  groupInterval?: string;
  watchdogInterval?: string;
  ruleFilesDir?: string;
  runbookBaseUrl?: string;
  swarmName?: string;
}

const defaults = DEFAULT_OPTIONS;

/** Flags that set where the generated configs point; each defaults to the compose stack. */
const DEPLOYMENT_FLAGS: readonly [string, keyof GenerateOptions, string][] = [
  ['--service-address <host:port>', 'serviceAddress', 'scrape target and webhook host'],
  ['--alertmanager-address <host:port>', 'alertmanagerAddress', 'Alertmanager for Prometheus'],
  ['--prometheus-address <host:port>', 'prometheusAddress', 'Prometheus for Grafana'],
  ['--webhook-credentials-file <path>', 'webhookCredentialsFile', 'bearer token file'],
  ['--scrape-interval <duration>', 'scrapeInterval', 'Prometheus scrape interval'],
  ['--evaluation-interval <duration>', 'evaluationInterval', 'rule evaluation interval'],
  ['--group-interval <duration>', 'groupInterval', 'Alertmanager group_interval of scaling alerts'],
  ['--watchdog-interval <duration>', 'watchdogInterval', 'watchdog repeat to the scaler'],
  ['--rule-files-dir <dir>', 'ruleFilesDirs', 'rule folder, relative to prometheus.yml'],
  ['--runbook-base-url <url>', 'runbookBaseUrl', 'base of every runbook_url'],
  ['--swarm-name <name>', 'swarmName', 'value of the swarm label on alerts'],
];

export const registerGenerate: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  const command = program
    .command('generate')
    .description('generate Prometheus rules, rule tests, configs and Grafana dashboards')
    .option('-c, --config <file>', 'swarm YAML or Markdown document', DEFAULT_CONFIG)
    .option('-o, --out <dir>', 'folder that receives alerts/, prometheus/ and dashboards/', '.')
    .option('--check', 'write nothing; exit 1 naming the files that differ from the output')
    .option('--format <format>', `rule output: ${OUTPUT_FORMATS.join(' or ')}`, defaults.format);
  for (const [flag, key, help] of DEPLOYMENT_FLAGS) {
    command.option(flag, `${help} (default ${String(defaults[key])})`);
  }
  command.action((flags: GenerateFlags) => {
    setExit(runGenerate(flags, io));
  });
};

function runGenerate(flags: GenerateFlags, io: CliIo): number {
  const { config, warnings } = loadConfig(resolve(io.cwd, flags.config));
  for (const warning of warnings) io.stderr(`warning: ${warning.message}\n`);
  const outDir = resolve(io.cwd, flags.out);
  try {
    const result = generate(config, optionsFrom(flags));
    for (const { alert, reason } of result.untestedAlerts) {
      io.stderr(`note: no rule test for ${alert}: ${reason}\n`);
    }
    if (flags.check) return reportDrift(outDir, result.files, io);
    writeFiles(outDir, result.files);
    io.stdout(`wrote ${result.files.length} files to ${outDir}\n`);
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof GenerateError)) throw err;
    io.stderr(`swarm-scaler generate: ${err.message}\n`);
    return err.code === 'GENERATE_OPTION_INVALID' ? EXIT.usage : EXIT.failure;
  }
}

function reportDrift(outDir: string, files: readonly GeneratedFile[], io: CliIo): number {
  const drift = findDrift(outDir, files);
  if (drift.length === 0) {
    io.stdout(`${files.length} generated files are up to date in ${outDir}\n`);
    return EXIT.ok;
  }
  for (const entry of drift) io.stderr(`${entry.reason}: ${entry.path}\n`);
  io.stderr(
    `${drift.length} of ${files.length} generated files differ from the config's output:` +
      ' run swarm-scaler generate and commit the result\n',
  );
  return EXIT.failure;
}

function optionsFrom(flags: GenerateFlags): Partial<GenerateOptions> {
  return {
    format: flags.format as OutputFormat,
    serviceAddress: flags.serviceAddress,
    alertmanagerAddress: flags.alertmanagerAddress,
    prometheusAddress: flags.prometheusAddress,
    webhookCredentialsFile: flags.webhookCredentialsFile,
    scrapeInterval: flags.scrapeInterval,
    evaluationInterval: flags.evaluationInterval,
    groupInterval: flags.groupInterval,
    watchdogInterval: flags.watchdogInterval,
    ruleFilesDirs: flags.ruleFilesDir === undefined ? undefined : [flags.ruleFilesDir],
    runbookBaseUrl: flags.runbookBaseUrl,
    swarmName: flags.swarmName,
  };
}
