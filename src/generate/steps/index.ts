/** The generator steps, in the order they run. Later steps may read what earlier ones added. */
import type { GeneratorStep } from '../result';
import { alertRulesStep } from './alert-rules-v1';
import { recordingRulesStep } from './recording-rules-v1';
import { ruleTestsStep } from './rule-tests-v1';

export const STEPS: readonly GeneratorStep[] = [alertRulesStep, recordingRulesStep, ruleTestsStep];
