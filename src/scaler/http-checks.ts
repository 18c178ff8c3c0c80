/**
 * Request checks shared by the webhook and the admin API: the Content-Type rule, the decisions
 * query, and the mapping of thrown errors to HTTP statuses.
 */
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { z } from 'zod';

import type { Logger } from '../log';
import { StoreError } from '../store/errors';
import { boundedText, MAX_LABEL_BYTES } from './payload-text';

/**
 * Rejects a POST whose Content-Type is not `application/json` with 415. A browser sends a
 * cross-origin POST of `text/plain` or a form without a CORS preflight, so accepting any type
 * would let a web page inject alerts or pause scaling when no credentials are configured.
 */
export function requireJsonContentType(req: Request, res: Response, next: NextFunction): void {
  const header = req.headers['content-type'];
  const mediaType = (header ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType === 'application/json') {
    next();
    return;
  }
  res.status(415).json({
    error: 'unsupported_media_type',
    message: `expected Content-Type: application/json, received ${header ? `"${header}"` : 'none'}. Send a JSON body, {} when there is nothing to send`,
  });
}

const decisionsQuerySchema = z.strictObject({
  rule: boundedText(MAX_LABEL_BYTES).min(1).optional(),
  limit: z
    .string()
    .regex(/^\d+$/, 'expected a whole number from 1 to 500')
    .transform(Number)
    .pipe(z.number().int().min(1).max(500))
    .optional(),
  cursor: z
    .string()
    .regex(/^\d+$/, 'expected a decision id (a positive whole number)')
    .transform(Number)
    .pipe(z.number().int().positive())
    .optional(),
});

/** Query of `GET /api/v1/decisions`. */
export type DecisionsQuery = { rule?: string; limit: number; cursor?: number };

/** Validates the decisions query; returns it or the list of problems. */
export function parseDecisionsQuery(
  query: unknown,
): { query: DecisionsQuery } | { issues: { path: string; message: string }[] } {
  const repeated = Object.entries(query as Record<string, unknown>)
    .filter(([, value]) => typeof value !== 'string')
    .map(([name]) => ({
      path: name,
      message: `${name} is given more than once: give each of rule, limit and cursor at most once`,
    }));
  if (repeated.length > 0) return { issues: repeated };
  const result = decisionsQuerySchema.safeParse(query);
  if (result.success) return { query: { ...result.data, limit: result.data.limit ?? 50 } };
  return {
    issues: result.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message:
        issue.code === 'unrecognized_keys'
          ? `unknown query parameters ${issue.keys.join(', ')}: expected rule, limit and cursor, each once`
          : issue.message,
    })),
  };
}

/** Formats a byte count as bytes plus KiB or MiB, for limits in messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0)
    return `${bytes} bytes (${bytes / (1024 * 1024)} MiB)`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes} bytes (${bytes / 1024} KiB)`;
  return `${bytes} bytes`;
}

/** Fields that body-parser sets on its errors (http-errors). */
interface BodyParserError {
  status?: unknown;
  type?: unknown;
  limit?: unknown;
  message: string;
}

/** Maps errors to responses: body-parser's 4xx, 503 for an unavailable store, else 500. */
export function handleErrors(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const parserError = asBodyParserError(err);
    if (parserError) {
      const { status, body } = describeParserError(parserError, req.headers['content-encoding']);
      logger.info({ status, type: parserError.type }, 'request body rejected');
      res.status(status).json(body);
    } else if (err instanceof StoreError && err.retryable) {
      logger.warn({ err }, 'store unavailable; responding 503');
      res.status(503).setHeader('Retry-After', '5').json({
        error: 'store_unavailable',
        message: 'the decision could not be made durable; retry later',
      });
    } else {
      logger.error({ err }, 'request failed');
      res
        .status(500)
        .json({ error: 'internal_error', message: 'the request failed; see the scaler log' });
    }
  };
}

function asBodyParserError(err: unknown): (BodyParserError & { status: number }) | undefined {
  if (!(err instanceof Error)) return undefined;
  const fields = err as Error & Partial<BodyParserError>;
  const status = fields.status;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  return { status, type: fields.type, limit: fields.limit, message: err.message };
}

function describeParserError(
  err: BodyParserError & { status: number },
  contentEncoding: string | undefined,
): {
  status: number;
  body: { error: string; message: string };
} {
  switch (err.type) {
    case 'entity.too.large': {
      const limit = typeof err.limit === 'number' ? formatBytes(err.limit) : 'the limit';
      return {
        status: 413,
        body: { error: 'payload_too_large', message: `the body is larger than ${limit}` },
      };
    }
    case 'entity.parse.failed':
      return {
        status: 400,
        body: { error: 'invalid_json', message: `the body is not valid JSON: ${err.message}` },
      };
    case 'encoding.unsupported':
      return {
        status: 415,
        body: {
          error: 'unsupported_encoding',
          message: `${err.message}: send the body uncompressed or with gzip, deflate or br`,
        },
      };
    case 'charset.unsupported':
      return {
        status: 415,
        body: { error: 'unsupported_charset', message: `${err.message}: send UTF-8` },
      };
    default:
      return {
        status: err.status,
        body: {
          error: 'invalid_body',
          message: contentEncoding
            ? `the body could not be decoded as Content-Encoding "${contentEncoding}": ${err.message}`
            : `the body could not be read: ${err.message}`,
        },
      };
  }
}
