/** The load simulator behind `swarm-scaler simulate`. */
export {
  runSimulation,
  phasesOf,
  type SimulationOptions,
  type SimulationSummary,
  type Shape,
} from './run-simulation';
export { planLoad, surgeActors, LoadPlanError, type LoadPlan, type Phase } from './load-plan';
export { collectThresholds, type ThresholdMap } from './thresholds';
