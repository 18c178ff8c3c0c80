/**
 * Classification of HTTP driver failures. Network errors and 5xx responses are retryable, and 4xx
 * responses are rejections that a retry cannot fix.
 */
import axios, { type AxiosResponse } from 'axios';

import { DriverError } from './driver';

/** Turns an axios error or a non-2xx response into a `DriverError`. */
export function toHttpDriverError(
  failure: unknown,
  operation: string,
  agentId: string,
): DriverError {
  const what = `${operation} of agent ${agentId}`;
  if (axios.isAxiosError(failure)) {
    if (
      failure.code === 'ERR_CANCELED' ||
      failure.code === 'ECONNABORTED' ||
      failure.code === 'ETIMEDOUT'
    ) {
      return new DriverError(`${what} timed out waiting for the agent API`, 'timeout', true, {
        cause: failure,
      });
    }
    return new DriverError(
      `${what} could not reach the agent API (${failure.code ?? failure.message}): check driver.options.url and that the API is running`,
      'unreachable',
      true,
      { cause: failure },
    );
  }
  if (isResponse(failure)) return fromResponse(failure, what);
  const detail = failure instanceof Error ? failure.message : String(failure);
  return new DriverError(`${what} failed: ${detail}`, 'unreachable', true, { cause: failure });
}

function fromResponse(response: AxiosResponse, what: string): DriverError {
  const status = response.status;
  const detail = describeBody(response.data);
  if (status >= 500) {
    return new DriverError(
      `${what}: the agent API responded ${status}${detail}`,
      'unreachable',
      true,
    );
  }
  if (status >= 400) {
    return new DriverError(
      `${what}: the agent API rejected it with ${status}${detail}`,
      'rejected',
      false,
    );
  }
  return new DriverError(
    `${what}: unexpected status ${status} from the agent API`,
    'invalid_response',
    false,
  );
}

function isResponse(value: unknown): value is AxiosResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    'status' in value &&
    'headers' in value &&
    'config' in value
  );
}

function describeBody(data: unknown): string {
  if (data === undefined || data === null || data === '') return '';
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return `: ${text.slice(0, 200)}`;
}
