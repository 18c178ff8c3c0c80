/**
 * HTTP surface of the scaler: the Alertmanager webhook and the admin API. Alertmanager retries
 * only 5xx responses, so a notification gets 2xx only once it is committed, and 503 when the store
 * cannot be reached. Input errors get 4xx and store nothing.
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';

import { WEBHOOK_PATH } from '../catalog/alert-contract';
import type { Logger } from '../log';
import { listDecisions } from '../store/scaler-repository';
import { requireCredentials, type ScalerAuth } from './auth';
import { handleErrors, parseDecisionsQuery, requireJsonContentType } from './http-checks';
import type { ScalerMetrics } from './metrics';
import { readAlertView, readPoolView } from './pool-view';
import type { ScalerCore } from './scaler-core';
import { parseWebhookPayload } from './webhook-payload';

/** Dependencies of the router. */
export interface RouterSettings {
  core: () => ScalerCore | undefined;
  readPool: () => ReturnType<typeof readPoolView>;
  readAlerts: () => ReturnType<typeof readAlertView>;
  readDecisions: (query: Parameters<typeof listDecisions>[2]) => ReturnType<typeof listDecisions>;
  bounds: { min: number; max: number };
  auth?: ScalerAuth;
  maxBodyBytes: number;
  metrics: ScalerMetrics;
  logger: Logger;
}

/** Builds the router; mount it at the root of the service. */
export function createScalerRouter(settings: RouterSettings): Router {
  const router = express.Router();
  const guard = requireCredentials(settings.auth);
  // Not strict, so that a body such as `null` reaches the schema and gets its own message.
  const json = express.json({ limit: settings.maxBodyBytes, strict: false });
  const smallJson = express.json({ limit: 4096, strict: false });
  const jsonOnly = requireJsonContentType;

  const countWebhook = countStatus(settings.metrics);
  router.post(WEBHOOK_PATH, countWebhook, guard, jsonOnly, json, async (req, res) => {
    const parsed = parseWebhookPayload(req.body);
    if ('issues' in parsed) {
      settings.logger.info({ issues: parsed.issues }, 'webhook payload rejected');
      res
        .status(400)
        .json({
          error: 'invalid_payload',
          message: 'the body is not an Alertmanager webhook payload (a JSON object, version 4)',
          issues: parsed.issues,
        });
      return;
    }
    const core = requireCore(settings, res);
    if (!core) return;
    const result = await core.ingest(parsed.payload.alerts, 'webhook');
    res.status(200).json({ stored: result.stored, ignored: result.ignored.length });
  });

  router.get('/api/v1/pool', guard, async (_req, res) => {
    res.json(await settings.readPool());
  });

  router.get('/api/v1/alerts', guard, async (_req, res) => {
    res.json({ alerts: await settings.readAlerts() });
  });

  router.get('/api/v1/decisions', guard, async (req, res) => {
    const parsed = parseDecisionsQuery(req.query);
    if ('issues' in parsed) {
      res.status(400).json({
        error: 'invalid_query',
        message: parsed.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
        issues: parsed.issues,
      });
      return;
    }
    const decisions = await settings.readDecisions(parsed.query);
    const last = decisions[decisions.length - 1];
    const nextCursor = decisions.length === parsed.query.limit && last ? last.id : null;
    res.json({ decisions, nextCursor });
  });

  router.post('/api/v1/scale', guard, jsonOnly, smallJson, async (req, res) => {
    const { min, max } = settings.bounds;
    const body = z
      .object({ target: z.number().int().min(min).max(max).nullable() })
      .safeParse(req.body);
    if (!body.success) {
      res
        .status(400)
        .json({
          error: 'invalid_target',
          message: `expected {"target": N} with N between ${min} and ${max} (min_agents and max_agents), or {"target": null} to unpin`,
        });
      return;
    }
    await control(
      settings,
      res,
      { targetPin: body.data.target },
      body.data.target === null ? 'unpin' : 'pin',
    );
  });

  router.post('/api/v1/pause', guard, jsonOnly, smallJson, async (_req, res) =>
    control(settings, res, { paused: true }, 'pause'),
  );
  router.post('/api/v1/resume', guard, jsonOnly, smallJson, async (_req, res) =>
    control(settings, res, { paused: false, targetPin: null }, 'resume'),
  );

  router.post('/api/v1/dry-run', guard, jsonOnly, smallJson, async (req, res) => {
    const body = z.object({ enabled: z.boolean() }).safeParse(req.body);
    if (!body.success) {
      res
        .status(400)
        .json({
          error: 'invalid_body',
          message: 'expected {"enabled": true} or {"enabled": false}',
        });
      return;
    }
    await control(
      settings,
      res,
      { dryRun: body.data.enabled },
      body.data.enabled ? 'dry_run_on' : 'dry_run_off',
    );
  });

  router.use(handleErrors(settings.logger));
  return router;
}

async function control(
  settings: RouterSettings,
  res: Response,
  change: Parameters<ScalerCore['control']>[0],
  action: string,
): Promise<void> {
  const core = requireCore(settings, res);
  if (!core) return;
  await core.control(change, action);
  settings.logger.info({ action, change }, 'operator action applied');
  res.json(await settings.readPool());
}

function requireCore(settings: RouterSettings, res: Response): ScalerCore | undefined {
  const core = settings.core();
  if (!core)
    res
      .status(503)
      .setHeader('Retry-After', '5')
      .json({ error: 'not_ready', message: 'the scaler is starting; retry shortly' });
  return core;
}

function countStatus(metrics: ScalerMetrics) {
  return (_req: Request, res: Response, next: () => void) => {
    res.on('finish', () => metrics.webhookRequests.inc({ status: String(res.statusCode) }));
    next();
  };
}
