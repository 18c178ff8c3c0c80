/**
 * Missing data is not low load: when the alert pipeline may be blind, a rule resolves for lack of
 * data, so scale-down is frozen. The pipeline counts as alive while a watchdog notification
 * (an alert that always fires) was seen within the window and no exporter-down alert fires.
 */
import type { AlertInstance } from './types';

/** Reason scale-down is frozen. */
export type FreezeReason = 'exporter_down' | 'watchdog_silent';

/** Watchdog repeat interval when the model sets none, as `scaler.watchdog_interval` defaults. */
export const DEFAULT_WATCHDOG_INTERVAL_SECONDS = 60;

/**
 * Slack added to two watchdog intervals, in seconds. Prometheus evaluates the watchdog rule once
 * per evaluation interval (15 s by default), and Alertmanager's flush and the webhook add delay.
 */
export const WATCHDOG_MARGIN_SECONDS = 30;

/**
 * Returns the window without a watchdog notification after which scale-down freezes, in seconds:
 * two missed repeats of the watchdog route plus WATCHDOG_MARGIN_SECONDS (150 s for the 1m default).
 */
export function defaultWatchdogWindowSeconds(
  intervalSeconds = DEFAULT_WATCHDOG_INTERVAL_SECONDS,
): number {
  return 2 * intervalSeconds + WATCHDOG_MARGIN_SECONDS;
}

/** The freeze state at one instant. */
export interface FreezeState {
  frozen: boolean;
  reason?: FreezeReason;
}

/** Decides the freeze from the open alert instances and the last watchdog sighting. */
export function evaluateFreeze(
  alerts: AlertInstance[],
  lastWatchdogAt: number | undefined,
  now: number,
  windowSeconds: number,
): FreezeState {
  if (alerts.some((alert) => alert.kind === 'exporter_down' && alert.status === 'firing')) {
    return { frozen: true, reason: 'exporter_down' };
  }
  if (lastWatchdogAt === undefined || now - lastWatchdogAt > windowSeconds * 1000) {
    return { frozen: true, reason: 'watchdog_silent' };
  }
  return { frozen: false };
}
