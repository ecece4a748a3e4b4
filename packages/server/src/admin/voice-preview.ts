/**
 * Voice previews for the admin console: a short Realtime session upstream with the chosen voice
 * and speed, asked to read a text aloud; its PCM16 audio comes back as a 24 kHz mono WAV.
 */
import WebSocket from 'ws';
import type { Upstream } from '../upstream.js';
import { HttpError } from '../http/errors.js';

/** Bounds of one preview. */
export interface VoicePreviewLimits {
  /** Give up (HTTP 504) when the audio is not complete by then. Default 20 s. */
  timeoutMs: number;
  /** Stop collecting audio beyond this many bytes of PCM16 (the WAV is cut there). Default 30 s of audio. */
  maxAudioBytes: number;
}

/** What to preview. */
export interface VoicePreviewRequestOptions {
  voice: string;
  model: string;
  speed: number;
  text: string;
}

const sampleRate = 24_000;

/** Default bounds: 20 s to answer, at most 30 s of audio. */
export const defaultVoicePreviewLimits: VoicePreviewLimits = {
  timeoutMs: 20_000,
  maxAudioBytes: sampleRate * 2 * 30,
};

/** Wraps PCM16 little-endian mono samples at `rate` in a RIFF/WAVE header. */
export function pcm16ToWav(pcm: Buffer, rate = sampleRate): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}

/** The two messages that ask for the preview: the session's voice, then one response outside any conversation. */
function previewMessages(request: VoicePreviewRequestOptions): string[] {
  return [
    JSON.stringify({
      type: 'session.update',
      session: {
        type: 'realtime',
        output_modalities: ['audio'],
        instructions: 'You read texts aloud exactly as written, and say nothing else.',
        audio: {
          output: {
            voice: request.voice,
            speed: request.speed,
            format: { type: 'audio/pcm', rate: sampleRate },
          },
        },
      },
    }),
    JSON.stringify({
      type: 'response.create',
      response: {
        conversation: 'none',
        output_modalities: ['audio'],
        instructions: `Read this text aloud, word for word, and nothing else:\n\n${request.text}`,
      },
    }),
  ];
}

/** The preview's PCM16 audio, cut at the byte limit on a sample boundary. */
class PreviewAudio {
  private readonly chunks: Buffer[] = [];
  size = 0;

  constructor(private readonly maxBytes: number) {}

  /** Adds one base64 delta; true once the limit is reached. */
  add(delta: string): boolean {
    const chunk = Buffer.from(delta, 'base64');
    const room = this.maxBytes - this.size;
    const kept = chunk.length > room ? chunk.subarray(0, room - (room % 2)) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
    return this.size >= this.maxBytes - 1;
  }

  wav(): Buffer {
    return pcm16ToWav(Buffer.concat(this.chunks, this.size));
  }
}

interface PreviewEvent {
  type?: unknown;
  delta?: unknown;
  error?: { message?: unknown };
  response?: { status?: unknown };
}

/**
 * What one upstream text message means for the preview: `undefined` to go on, `null` when the
 * audio is complete, or the error to fail with. Unparsable messages are ignored.
 */
function readPreviewEvent(text: string, audio: PreviewAudio): HttpError | null | undefined {
  let event: PreviewEvent;
  try {
    event = JSON.parse(text) as PreviewEvent;
  } catch {
    return undefined;
  }
  if (event.type === 'error') {
    const message =
      typeof event.error?.message === 'string' ? event.error.message : 'unknown error';
    return new HttpError(502, 'upstream_error', `the upstream refused the preview: ${message}`);
  }
  if (
    (event.type === 'response.output_audio.delta' || event.type === 'response.audio.delta') &&
    typeof event.delta === 'string'
  ) {
    return audio.add(event.delta) ? null : undefined;
  }
  if (event.type === 'response.done') {
    return event.response?.status === 'failed'
      ? new HttpError(502, 'upstream_error', 'the upstream response failed')
      : null;
  }
  return undefined;
}

/** Ends the preview with an error when the socket fails or closes before the audio is complete. */
function watchSocketFailures(socket: WebSocket, finish: (error: HttpError) => void): void {
  socket.on('unexpected-response', (_request, response) => {
    finish(
      new HttpError(
        502,
        'upstream_error',
        `the upstream refused the connection (HTTP ${response.statusCode})`,
      ),
    );
  });
  socket.on('error', (error) => {
    finish(
      new HttpError(
        502,
        'upstream_unreachable',
        `the upstream could not be reached: ${error.message}`,
      ),
    );
  });
  socket.on('close', () => {
    finish(
      new HttpError(
        502,
        'upstream_error',
        'the upstream closed the session before the audio was complete',
      ),
    );
  });
}

/**
 * Speaks `text` with `voice` through the upstream and resolves with the WAV.
 * Throws {@link HttpError}: 502 when the upstream refuses or fails, 504 on timeout.
 */
export function synthesizePreview(
  upstream: Upstream,
  request: VoicePreviewRequestOptions,
  limits: VoicePreviewLimits = defaultVoicePreviewLimits,
): Promise<Buffer> {
  const model = upstream.fixedModel ?? request.model;
  return new Promise<Buffer>((resolve, reject) => {
    const audio = new PreviewAudio(limits.maxAudioBytes);
    let settled = false;
    const socket = new WebSocket(upstream.realtimeUrl(model), ['realtime'], {
      headers: upstream.headers(),
      handshakeTimeout: limits.timeoutMs,
      maxPayload: 4 * 1024 * 1024,
    });
    const finish = (error: HttpError | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (socket.readyState === WebSocket.OPEN) socket.close(1000, 'preview done');
      else socket.terminate();
      if (error) reject(error);
      else if (audio.size === 0)
        reject(new HttpError(502, 'upstream_error', 'the upstream answered without audio'));
      else resolve(audio.wav());
    };
    const timer = setTimeout(
      () =>
        finish(
          new HttpError(
            504,
            'upstream_timeout',
            `the preview took longer than ${limits.timeoutMs} ms`,
          ),
        ),
      limits.timeoutMs,
    );
    socket.on('open', () => {
      for (const message of previewMessages(request)) socket.send(message);
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const outcome = readPreviewEvent((data as Buffer).toString('utf8'), audio);
      if (outcome !== undefined) finish(outcome);
    });
    watchSocketFailures(socket, finish);
  });
}
