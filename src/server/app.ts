/**
 * The HTTP surface of `swarm-scaler serve`: Prometheus exposition, health and readiness in
 * Prometheus's own `/-/healthy` and `/-/ready` form, and the scaler's router (webhook and API).
 */
import express, { type Express, type Router } from 'express';
import type { Registry } from 'prom-client';

import type { Logger } from '../log';

export interface AppParts {
  registry: Registry;
  logger: Logger;
  /** The scaler's routes: webhook, pool and decision APIs. */
  scalerRouter: Router;
  /** True once the store is migrated and the scaler has restored its state. */
  isReady: () => boolean;
}

/** Builds the express app; it does not listen. */
export function createApp(parts: AppParts): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/metrics', async (_req, res) => {
    try {
      const body = await parts.registry.metrics();
      res.type(parts.registry.contentType).send(body);
    } catch (err) {
      parts.logger.error({ err }, 'metrics collection failed');
      res.status(500).type('text/plain').send('metrics collection failed\n');
    }
  });

  app.get('/-/healthy', (_req, res) => {
    res.type('text/plain').send('swarm-scaler is Healthy.\n');
  });

  app.get('/-/ready', (_req, res) => {
    if (parts.isReady()) {
      res.type('text/plain').send('swarm-scaler is Ready.\n');
      return;
    }
    res.status(503).type('text/plain').send('swarm-scaler is not ready: the store is starting.\n');
  });

  app.use(parts.scalerRouter);

  app.use((req, res) => {
    res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
  });
  return app;
}
