/**
 * `swarm-scaler triggers add|list|remove`: manage `scaling_triggers` of the swarm YAML in place,
 * as the example document's operators do (`triggers add --name actor-load --threshold 50
 * --spawn actor-system-manager`).
 */
import type { Command } from 'commander';

import { loadConfig } from '../../config/load';
import { formatTriggers } from '../../config/summary';
import { addTrigger, removeTrigger } from '../../config/trigger-edit';
import { DEFAULT_CONFIG } from '../defaults';
import { EXIT, type CliIo } from '../io';
import { parseValue, runEdit } from './config';
import type { RegisterCommand } from './index';
import { configPath } from './validate';

interface AddOptions {
  config: string;
  strict?: boolean;
  name: string;
  threshold: string;
  spawn: string[];
  measure?: string;
  query?: string;
  for?: string;
  cooldown?: string;
}

interface ListOptions {
  config: string;
  json?: boolean;
}

/** Collects `--spawn a --spawn b,c` into one list. */
function collect(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  ];
}

/** Registers `triggers add`, `triggers list` and `triggers remove`. */
export const registerTriggers: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  const triggers = program
    .command('triggers')
    .description('add, list or remove scaling triggers in the swarm YAML');

  triggers
    .command('add')
    .description('add a trigger under scaling_triggers.framework_scaling')
    .requiredOption('--name <name>', 'trigger name, such as actor-load; written as actor_load')
    .requiredOption(
      '--threshold <value>',
      "threshold in the measure's unit: 50, 80%, 100k_msgs/sec, 100ms",
    )
    .requiredOption(
      '--spawn <agents>',
      'agent id or capability to spawn; repeat or separate with commas',
      collect,
    )
    .option(
      '--measure <measure>',
      'catalogue measure to watch (default: the one the name stands for)',
    )
    .option('--query <promql>', 'PromQL to watch instead of a catalogue measure')
    .option('--for <duration>', 'how long the condition must hold, such as 30s')
    .option('--cooldown <duration>', 'least time between two scale actions, such as 60s')
    .option('-c, --config <file>', 'swarm YAML file', DEFAULT_CONFIG)
    .option('--strict', 'validate with strict name resolution before writing')
    .action((options: AddOptions) => {
      runEdit(io, setExit, options, (editor) => {
        const threshold = parseValue(options.threshold);
        const key = addTrigger(editor, {
          name: options.name,
          threshold: typeof threshold === 'number' ? threshold : options.threshold,
          spawn: options.spawn,
          measure: options.measure,
          query: options.query,
          for: options.for,
          cooldown: options.cooldown,
        });
        return `added trigger scaling_triggers.framework_scaling.${key} to ${editor.file}`;
      });
    });

  triggers
    .command('list')
    .description('list every trigger with its threshold in base units and what it spawns')
    .option('-c, --config <file>', 'swarm YAML or Markdown document', DEFAULT_CONFIG)
    .option('--json', 'print the triggers as JSON')
    .action((options: ListOptions) => {
      const { config } = loadConfig(configPath(io, options.config));
      io.stdout(
        options.json
          ? `${JSON.stringify(config.triggers, null, 2)}\n`
          : `${formatTriggers(config)}\n`,
      );
      setExit(EXIT.ok);
    });

  triggers
    .command('remove')
    .description('remove a framework trigger, or cpu_scaling, queue_scaling or error_scaling')
    .requiredOption('--name <name>', 'trigger name, such as actor-load or actor_load')
    .option('-c, --config <file>', 'swarm YAML file', DEFAULT_CONFIG)
    .action((options: { name: string; config: string }) => {
      runEdit(
        io,
        setExit,
        options,
        (editor) => `removed trigger ${removeTrigger(editor, options.name)} from ${editor.file}`,
      );
    });
};
