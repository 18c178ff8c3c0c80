/**
 * Logging of NATS connection events for the NATS driver and the agent host: disconnects and
 * server errors at warn, reconnects at info. Everything else is left out, because pings and
 * cluster updates happen all the time.
 */
import type { NatsConnection } from '@nats-io/transport-node';

import type { Logger } from '../log';

/** Logs the connection's status events until it closes; never rejects. */
export async function logConnectionStatus(
  connection: NatsConnection,
  logger: Logger,
): Promise<void> {
  try {
    for await (const status of connection.status()) {
      switch (status.type) {
        case 'disconnect':
          logger.warn({ server: status.server }, 'nats disconnected');
          break;
        case 'reconnect':
          logger.info({ server: status.server }, 'nats reconnected');
          break;
        case 'error':
          logger.warn({ err: status.error }, 'nats server error');
          break;
        case 'slowConsumer':
          logger.warn(
            { subject: status.sub.getSubject(), pending: status.pending },
            'nats slow consumer',
          );
          break;
        default:
          break;
      }
    }
  } catch (err) {
    logger.debug({ err }, 'nats status stream ended');
  }
}
