/** Default config path, relative to the working directory. */
export const DEFAULT_CONFIG = 'ms-framework-swarm.yaml';
