/** Every CLI verb, in the order `--help` lists them. */
import type { Command } from 'commander';

import type { CliIo } from '../io';
import { registerAgentHost } from './agent-host';
import { registerConfig } from './config';
import { registerGenerate } from './generate';
import { registerSchema } from './schema';
import { registerServe } from './serve';
import { registerSimulate } from './simulate';
import { registerTriggers } from './triggers';
import { registerValidate } from './validate';
import { registerScale } from './scale';
import { registerPause } from './pause';
import { registerResume } from './resume';
import { registerMonitor } from './monitor';
import { registerDecisions } from './decisions';
import { registerDryRun } from './dry-run';

/** Adds one verb to the program. */
export type RegisterCommand = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

export const COMMANDS: RegisterCommand[] = [
  registerServe,
  registerAgentHost,
  registerSimulate,
  registerGenerate,
  registerValidate,
  registerSchema,
  registerConfig,
  registerTriggers,
  registerScale,
  registerPause,
  registerResume,
  registerMonitor,
  registerDecisions,
  registerDryRun,
];
