/**
 * A small client for the scaler's admin API, shared by the operator verbs. The service URL comes
 * from `--url` (default http://127.0.0.1:9477); credentials come from the environment:
 * `SWARM_SCALER_TOKEN` (bearer) or `SWARM_SCALER_BASIC_AUTH` (`user:password`).
 */
import axios, { type AxiosInstance } from 'axios';

import { DEFAULT_PORT } from '../catalog/alert-contract';
import type { PoolView } from '../scaler/pool-view';

/** Default address of a local `swarm-scaler serve`. */
export const DEFAULT_ADMIN_URL = `http://127.0.0.1:${DEFAULT_PORT}`;

/** Failure reason of an admin call. */
export type AdminFailure = 'unreachable' | 'unauthorized' | 'rejected' | 'server_error';

/** Raised by AdminClient. The message names what failed and what to do. */
export class AdminApiError extends Error {
  override name = 'AdminApiError';

  constructor(
    message: string,
    readonly code: AdminFailure,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Calls the admin API of one running service. */
export class AdminClient {
  private readonly http: AxiosInstance;

  constructor(
    private readonly baseUrl: string,
    env: NodeJS.ProcessEnv,
    timeoutMs = 10_000,
  ) {
    const headers: Record<string, string> = {};
    if (env.SWARM_SCALER_TOKEN) headers.authorization = `Bearer ${env.SWARM_SCALER_TOKEN}`;
    else if (env.SWARM_SCALER_BASIC_AUTH)
      headers.authorization = `Basic ${Buffer.from(env.SWARM_SCALER_BASIC_AUTH).toString('base64')}`;
    this.http = axios.create({
      baseURL: baseUrl,
      timeout: timeoutMs,
      headers,
      validateStatus: () => true,
    });
  }

  /** GETs a path and returns the parsed JSON body. */
  async get<T>(path: string, params?: Record<string, string | number | undefined>): Promise<T> {
    return this.call<T>('get', path, undefined, params);
  }

  /** POSTs a JSON body and returns the parsed JSON response. */
  async post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.call<T>('post', path, body);
  }

  private async call<T>(
    method: 'get' | 'post',
    path: string,
    body?: unknown,
    params?: Record<string, string | number | undefined>,
  ): Promise<T> {
    let response;
    try {
      // The service accepts POST bodies only as application/json, so even `{}` is sent typed.
      const headers = method === 'post' ? { 'content-type': 'application/json' } : undefined;
      response = await this.http.request({
        method,
        url: path,
        data: method === 'post' ? JSON.stringify(body ?? {}) : undefined,
        params,
        headers,
      });
    } catch (err) {
      throw new AdminApiError(
        `could not reach the scaler at ${this.baseUrl}: ${err instanceof Error ? err.message : String(err)}; check --url and that "swarm-scaler serve" runs`,
        'unreachable',
        { cause: err },
      );
    }
    const message =
      typeof response.data?.message === 'string'
        ? response.data.message
        : `HTTP ${response.status}`;
    if (response.status === 401) {
      throw new AdminApiError(
        `the scaler at ${this.baseUrl} rejected the credentials: set SWARM_SCALER_TOKEN or SWARM_SCALER_BASIC_AUTH`,
        'unauthorized',
      );
    }
    if (response.status >= 400 && response.status < 500)
      throw new AdminApiError(
        `${method.toUpperCase()} ${path} was rejected: ${message}`,
        'rejected',
      );
    if (response.status >= 500)
      throw new AdminApiError(
        `${method.toUpperCase()} ${path} failed on the scaler: ${message}`,
        'server_error',
      );
    return response.data as T;
  }
}

/** The `GET /api/v1/pool` body, as the verbs print it. */
export type PoolSummary = PoolView;

/** Formats the pool as one line. */
export function formatPoolLine(pool: PoolSummary): string {
  const flags = [
    pool.paused ? 'paused' : '',
    pool.frozen ? 'scale-down frozen' : '',
    pool.dryRun ? 'dry run' : '',
    pool.targetPin != null ? `pinned at ${pool.targetPin}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `pool ${pool.actual}/${pool.desired} desired${flags ? ` (${flags})` : ''}`;
}
