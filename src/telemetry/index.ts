/** The telemetry format and its publisher. */
export * from './schema';
export * from './subjects';
export * from './publisher';
