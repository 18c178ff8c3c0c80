/** Library entry point: the config loader, the model and the catalogue. */
export { loadConfig, loadConfigText } from './config/load';
export { ConfigError } from './config/errors';
export type * from './config/model';
export { SIGNALS, findSignal } from './catalog/signals';
export { MEASURES, findMeasure } from './catalog/measures';
