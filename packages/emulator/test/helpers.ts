import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';

/** Reads the PCM16 samples of a mono WAV file. */
export function readWavPcm16(path: string): Buffer {
  const file = readFileSync(path);
  if (file.toString('latin1', 0, 4) !== 'RIFF') throw new Error(`${path} is not a WAV file`);
  let offset = 12;
  while (offset + 8 <= file.length) {
    const id = file.toString('latin1', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    if (id === 'data') return file.subarray(offset + 8, offset + 8 + size);
    offset += 8 + size + (size % 2);
  }
  throw new Error(`${path} has no data chunk`);
}

/** Splits PCM16 into base64 frames of `ms` milliseconds at 24 kHz. */
export function pcmFrames(pcm: Buffer, ms = 20): string[] {
  const bytes = (24000 * 2 * ms) / 1000;
  const frames: string[] = [];
  for (let offset = 0; offset < pcm.length; offset += bytes)
    frames.push(pcm.subarray(offset, offset + bytes).toString('base64'));
  return frames;
}

/** A server event as JSON. */
export type WireEvent = Record<string, any> & { type: string };

/** Collects events from anything that emits them and waits for the ones a test needs. */
export class EventLog {
  readonly events: WireEvent[] = [];
  private waiters: Array<{
    match: (event: WireEvent) => boolean;
    resolve: (event: WireEvent) => void;
  }> = [];

  push(event: WireEvent): void {
    this.events.push(event);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.match(event)) return true;
      waiter.resolve(event);
      return false;
    });
  }

  /** Resolves with the first event (already seen or future) of `type` that matches. */
  waitFor(
    type: string,
    match: (event: WireEvent) => boolean = () => true,
    timeoutMs = 15_000,
    from = 0,
  ): Promise<WireEvent> {
    const seen = this.events.slice(from).find((event) => event.type === type && match(event));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${type}; saw ${this.types().join(', ')}`)),
        timeoutMs,
      );
      this.waiters.push({
        match: (event) => event.type === type && match(event),
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      });
    });
  }

  types(from = 0): string[] {
    return this.events.slice(from).map((event) => event.type);
  }

  get length(): number {
    return this.events.length;
  }
}

/** Collapses runs of the same type (`delta × N` → one entry), as the fixtures are compared. */
export function collapseRuns(types: string[]): string[] {
  return types.filter((type, index) => index === 0 || types[index - 1] !== type);
}

/** True when `needle` appears in `haystack` in order (not necessarily contiguous). */
export function isSubsequence(needle: string[], haystack: string[]): boolean {
  let position = 0;
  for (const type of haystack) if (type === needle[position]) position++;
  return position === needle.length;
}

/** A raw `ws` client with an event log. */
export async function connectRaw(
  url: string,
  options: { protocols?: string[]; headers?: Record<string, string>; ca?: string } = {},
): Promise<{
  socket: WebSocket;
  log: EventLog;
  send: (event: Record<string, unknown>) => void;
  closed: Promise<{ code: number; reason: string }>;
}> {
  const socket = new WebSocket(url, options.protocols ?? [], {
    headers: options.headers,
    ca: options.ca,
  });
  const log = new EventLog();
  socket.on('message', (data) => log.push(JSON.parse(String(data)) as WireEvent));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, log, send: (event) => socket.send(JSON.stringify(event)), closed };
}
