/**
 * Missing data is not low load: when the alert pipeline may be blind, a rule resolves for lack of
 * data, so scale-down is frozen. The pipeline counts as alive while a watchdog notification
 * (an alert that always fires) was seen within the window and no exporter-down alert fires.
 */
import type { AlertInstance } from './types';

/** Reason scale-down is frozen. */
export type FreezeReason = 'exporter_down' | 'watchdog_silent';

/**
 * Default window without a watchdog notification after which scale-down freezes, in seconds:
 * twice the 1 minute `repeat_interval` of the generated Alertmanager route for the watchdog.
 */
export const DEFAULT_WATCHDOG_WINDOW_SECONDS = 120;

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
