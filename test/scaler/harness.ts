/** Starts a scaler behind a real HTTP server on a free loopback port, with a settable clock. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import express from 'express';
import { Registry } from 'prom-client';

import type { SwarmConfig } from '../../src/config/model';
import { createLogger } from '../../src/log';
import { openScaler, type OpenedScaler, type ScalerOptions } from '../../src/scaler';
import { EXAMPLE_CONFIG } from './fixtures';
import { RecordingDriver } from './recording-driver';

export interface TestClock {
  now: number;
  advance(ms: number): void;
}

export interface RunningScaler extends OpenedScaler {
  url: string;
  registry: Registry;
  driver: RecordingDriver;
  clock: TestClock;
  stop(): Promise<void>;
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  metric(name: string): Promise<number>;
}

/** Returns the example config with a reconcile schedule that never fires during a test. */
export function quietConfig(overrides: Partial<SwarmConfig['scaler']> = {}): SwarmConfig {
  return {
    ...EXAMPLE_CONFIG,
    scaler: {
      ...EXAMPLE_CONFIG.scaler,
      reconcileSchedule: '0 0 1 1 *',
      heartbeatTtlSeconds: 3600,
      ...overrides,
    },
  };
}

export async function startScaler(
  options: Partial<ScalerOptions> & { driver?: RecordingDriver; clock?: TestClock } = {},
): Promise<RunningScaler> {
  const clock = options.clock ?? createClock(Date.parse('2026-01-01T00:00:00Z'));
  const driver = options.driver ?? new RecordingDriver(60);
  const registry = new Registry();
  const opened = await openScaler({
    config: quietConfig(),
    logger: createLogger({ level: 'silent' }),
    ...options,
    registry,
    driver,
    now: () => clock.now,
  });
  await opened.service.start();
  const app = express();
  app.use(opened.service.router);
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const request = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: encodeBody(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    ...opened,
    url,
    registry,
    driver,
    clock,
    post: (path, body, headers) => request('POST', path, body, headers),
    get: (path, headers) => request('GET', path, undefined, headers),
    async metric(name) {
      const metric = await registry.getSingleMetric(name)?.get();
      return metric?.values.reduce((sum, value) => sum + value.value, 0) ?? NaN;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await opened.service.stop();
    },
  };
}

function encodeBody(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

export function createClock(start: number): TestClock {
  const clock = {
    now: start,
    advance(ms: number) {
      clock.now += ms;
    },
  };
  return clock;
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
