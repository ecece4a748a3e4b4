import type { Clock, TimerHandle, TransportStats } from '../ports.js';
import { systemClock } from '../system-clock.js';

// The WebSocket transport's uplink backpressure: control frames always go at once; audio frames
// wait in a bounded queue while the socket's send buffer is over its bound, the oldest dropped
// (and counted) when the queue is full, so nothing buffers without bound on a slow uplink.

/** The part of a socket the queue writes to. */
export interface SendTarget {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
}

/** Bounds of the queue and its timers (documented on `WebSocketTransportOptions`). */
export interface SendQueueOptions {
  readonly maxBufferedBytes?: number;
  readonly maxQueuedAudioFrames?: number;
  readonly drainIntervalMs?: number;
  readonly clock?: Clock;
}

/** Frames on their way to the current socket. */
export interface SendQueue {
  /** Sends (or holds) one frame; false when there is no open socket or sending failed. */
  send(data: string, kind: 'control' | 'audio'): boolean;
  /** Drops held frames and stops retrying (the socket closed or was replaced). */
  clear(): void;
}

const OPEN = 1;

/**
 * A queue writing to whatever `socket()` returns now; `onError` hears a `send()` that threw.
 */
export function createSendQueue(
  socket: () => SendTarget | null,
  options: SendQueueOptions,
  stats: TransportStats,
  onError: (error: Error) => void,
): SendQueue {
  const maxBufferedBytes = options.maxBufferedBytes ?? 256 * 1024;
  const maxQueuedAudioFrames = Math.max(1, options.maxQueuedAudioFrames ?? 25);
  const drainIntervalMs = options.drainIntervalMs ?? 20;
  const clock = options.clock ?? systemClock;
  let queue: string[] = [];
  let drainTimer: TimerHandle = null;

  const stopDrain = (): void => {
    if (drainTimer !== null) clock.clearTimeout(drainTimer);
    drainTimer = null;
  };

  const transmit = (data: string): boolean => {
    const current = socket();
    if (!current || current.readyState !== OPEN) return false;
    try {
      current.send(data);
    } catch (error) {
      onError(error instanceof Error ? error : new Error(String(error)));
      return false;
    }
    stats.sentFrames += 1;
    return true;
  };

  const drain = (): void => {
    drainTimer = null;
    let current = socket();
    while (queue.length > 0 && current && current.bufferedAmount <= maxBufferedBytes) {
      const frame = queue.shift();
      if (frame !== undefined) transmit(frame);
      current = socket();
    }
    if (queue.length > 0 && current) drainTimer = clock.setTimeout(drain, drainIntervalMs);
  };

  return {
    send(data, kind) {
      const current = socket();
      if (!current || current.readyState !== OPEN) return false;
      if (kind === 'control') {
        // Held audio goes first so that a commit never overtakes the audio it commits.
        stopDrain();
        const held = queue;
        queue = [];
        for (const frame of held) transmit(frame);
        return transmit(data);
      }
      if (queue.length === 0 && current.bufferedAmount <= maxBufferedBytes) return transmit(data);
      queue.push(data);
      if (queue.length > maxQueuedAudioFrames) {
        queue.shift();
        stats.droppedAudioFrames += 1;
      }
      if (drainTimer === null) drainTimer = clock.setTimeout(drain, drainIntervalMs);
      return true;
    },
    clear() {
      stopDrain();
      queue = [];
    },
  };
}
