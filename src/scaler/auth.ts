/**
 * Credentials on the webhook and the admin API: a bearer token or basic credentials, as
 * Alertmanager's `http_config` sends them. Comparisons run in constant time over SHA-256 digests,
 * so neither the content nor the length of a secret leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import type { RequestHandler } from 'express';

/** Accepted credentials; none configured means the endpoints are open. */
export interface ScalerAuth {
  bearerToken?: string;
  basic?: { username: string; password: string };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Compares two secrets in constant time. */
export function safeEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** True when the Authorization header carries one of the accepted credentials. */
export function isAuthorized(header: string | undefined, auth: ScalerAuth): boolean {
  if (!header) return false;
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  const value = space < 0 ? '' : header.slice(space + 1).trim();
  if (scheme.toLowerCase() === 'bearer' && auth.bearerToken !== undefined) {
    return safeEqual(value, auth.bearerToken);
  }
  if (scheme.toLowerCase() === 'basic' && auth.basic) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const isUser = safeEqual(decoded.slice(0, colon), auth.basic.username);
    const isPassword = safeEqual(decoded.slice(colon + 1), auth.basic.password);
    return isUser && isPassword;
  }
  return false;
}

/** Builds express middleware that responds 401 unless the request carries accepted credentials. */
export function requireCredentials(auth: ScalerAuth | undefined): RequestHandler {
  const isOpen = !auth || (auth.bearerToken === undefined && auth.basic === undefined);
  return (req, res, next) => {
    if (isOpen || isAuthorized(req.headers.authorization, auth)) {
      next();
      return;
    }
    const challenge =
      auth.bearerToken !== undefined ? 'Bearer realm="swarm-scaler"' : 'Basic realm="swarm-scaler"';
    res.setHeader('WWW-Authenticate', challenge);
    res
      .status(401)
      .json({
        error: 'unauthorized',
        message:
          'missing or invalid credentials: send the configured bearer token or basic credentials',
      });
  };
}
