/**
 * The Alertmanager webhook payload, version 4, as Alertmanager's notify/webhook package sends it.
 * A firing alert's `endsAt` is the zero time (`0001-01-01T00:00:00Z`) or a time in the future, so
 * the scaler reads `status`, never `endsAt`, to tell firing from resolved.
 */
import { z } from 'zod';

import {
  annotationSetSchema,
  boundedText,
  fingerprintSchema,
  labelSetSchema,
  MAX_LABEL_BYTES,
  MAX_TEXT_BYTES,
  timestampSchema,
} from './payload-text';

const labelSet = labelSetSchema;
const timestamp = timestampSchema;
const text = boundedText(MAX_TEXT_BYTES);

/** One alert of a webhook payload. */
export const webhookAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet,
  annotations: annotationSetSchema.default({}),
  startsAt: timestamp,
  endsAt: timestamp.optional(),
  generatorURL: text.optional(),
  fingerprint: fingerprintSchema,
});

/** The whole payload; unknown top-level fields are accepted, as later versions may add some. */
export const webhookPayloadSchema = z.object({
  version: z.literal('4', { message: 'expected webhook payload version "4"' }),
  groupKey: text,
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: boundedText(MAX_LABEL_BYTES),
  groupLabels: labelSet.default({}),
  commonLabels: labelSet.default({}),
  commonAnnotations: annotationSetSchema.default({}),
  externalURL: text.optional(),
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
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return {
      issues: [{ path: '(body)', message: `expected a JSON object, received ${describe(body)}` }],
    };
  const result = webhookPayloadSchema.safeParse(body, { error: describeMissing });
  if (result.success) return { payload: result.data };
  return {
    issues: result.error.issues.map((issue) => ({
      path: issue.path.length > 0 ? issue.path.join('.') : '(body)',
      message:
        issue.code === 'invalid_key'
          ? `invalid name: ${issue.issues.map((inner) => inner.message).join('; ')}`
          : issue.message,
    })),
  };
}

/** Names an absent required field "missing" instead of "expected string, received undefined". */
function describeMissing(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type' && issue.input === undefined)
    return `missing: expected ${issue.expected}`;
  return undefined;
}

function describe(body: unknown): string {
  if (body === null) return 'null';
  return Array.isArray(body) ? 'an array' : typeof body;
}
