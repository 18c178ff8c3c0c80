/** Reads active alerts from Alertmanager's API v2, for the reconcile loop. */
import axios from 'axios';
import { z } from 'zod';

import type { IncomingAlert } from './notifications';
import {
  annotationSetSchema,
  fingerprintSchema,
  labelSetSchema,
  timestampSchema,
} from './payload-text';

// The same bounds as the webhook, so that the re-read cannot store what the webhook rejects.
const apiAlertSchema = z.array(
  z.object({
    fingerprint: fingerprintSchema,
    labels: labelSetSchema,
    annotations: annotationSetSchema.default({}),
    startsAt: timestampSchema,
    endsAt: timestampSchema.optional(),
    status: z.object({ state: z.string() }),
  }),
);

/** Raised when Alertmanager cannot be read; the reconcile loop skips the re-read that round. */
export class AlertmanagerError extends Error {
  override name = 'AlertmanagerError';
  readonly code = 'alertmanager_unavailable';
}

/** Fetches active, unsilenced, uninhibited alerts from `GET /api/v2/alerts`. */
export async function fetchActiveAlerts(
  baseUrl: string,
  timeoutMs = 5000,
): Promise<IncomingAlert[]> {
  const url = new URL('api/v2/alerts', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  url.searchParams.set('active', 'true');
  url.searchParams.set('silenced', 'false');
  url.searchParams.set('inhibited', 'false');
  let body: unknown;
  try {
    body = (await axios.get(url.toString(), { timeout: timeoutMs, responseType: 'json' })).data;
  } catch (err) {
    throw new AlertmanagerError(
      `could not read active alerts from Alertmanager: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  const parsed = apiAlertSchema.safeParse(body);
  if (!parsed.success) {
    throw new AlertmanagerError(
      `Alertmanager returned an unexpected alert list: ${parsed.error.issues[0]?.message ?? 'invalid body'}`,
    );
  }
  return parsed.data
    .filter((alert) => alert.status.state === 'active')
    .map((alert) => ({
      fingerprint: alert.fingerprint,
      status: 'firing' as const,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: alert.startsAt,
    }));
}
