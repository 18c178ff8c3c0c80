/**
 * The Alertmanager webhook payload, version 4, as Alertmanager's notify/webhook package sends it.
 * A firing alert's `endsAt` is the zero time (`0001-01-01T00:00:00Z`) or a time in the future, so
 * the scaler reads `status`, never `endsAt`, to tell firing from resolved.
 */
import { z } from 'zod';

const labelSet = z.record(z.string(), z.string());
const timestamp = z.string().refine((text) => !Number.isNaN(Date.parse(text)), {
  message: 'expected an RFC 3339 timestamp such as 2024-05-01T12:00:00Z',
});

/** One alert of a webhook payload. */
export const webhookAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet,
  annotations: labelSet.default({}),
  startsAt: timestamp,
  endsAt: timestamp.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1, 'expected a non-empty fingerprint'),
});

/** The whole payload; unknown top-level fields are accepted, as later versions may add some. */
export const webhookPayloadSchema = z.object({
  version: z.literal('4', { message: 'expected webhook payload version "4"' }),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labelSet.default({}),
  commonLabels: labelSet.default({}),
  commonAnnotations: labelSet.default({}),
  externalURL: z.string().optional(),
  alerts: z.array(webhookAlertSchema),
});

export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;
export type WebhookAlert = z.infer<typeof webhookAlertSchema>;

/** One problem found in a payload: where and what. */
export interface PayloadIssue {
  path: string;
  message: string;
}

/** Validates a parsed JSON body; returns the payload or the list of problems. */
export function parseWebhookPayload(
  body: unknown,
): { payload: WebhookPayload } | { issues: PayloadIssue[] } {
  const result = webhookPayloadSchema.safeParse(body);
  if (result.success) return { payload: result.data };
  return {
    issues: result.error.issues.map((issue) => ({
      path: issue.path.length > 0 ? issue.path.join('.') : '(body)',
      message: issue.message,
    })),
  };
}
