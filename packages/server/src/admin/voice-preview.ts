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
    const chunks: Buffer[] = [];
    let size = 0;
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
      else if (size === 0)
        reject(new HttpError(502, 'upstream_error', 'the upstream answered without audio'));
      else resolve(pcm16ToWav(Buffer.concat(chunks, size)));
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
      socket.send(
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
      );
      socket.send(
        JSON.stringify({
          type: 'response.create',
          response: {
            conversation: 'none',
            output_modalities: ['audio'],
            instructions: `Read this text aloud, word for word, and nothing else:\n\n${request.text}`,
          },
        }),
      );
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      let event: {
        type?: unknown;
        delta?: unknown;
        error?: { message?: unknown };
        response?: { status?: unknown };
      };
      try {
        event = JSON.parse((data as Buffer).toString('utf8')) as typeof event;
      } catch {
        return;
      }
      if (event.type === 'error') {
        const message =
          typeof event.error?.message === 'string' ? event.error.message : 'unknown error';
        finish(
          new HttpError(502, 'upstream_error', `the upstream refused the preview: ${message}`),
        );
      } else if (
        (event.type === 'response.output_audio.delta' || event.type === 'response.audio.delta') &&
        typeof event.delta === 'string'
      ) {
        const chunk = Buffer.from(event.delta, 'base64');
        const room = limits.maxAudioBytes - size;
        const kept = chunk.length > room ? chunk.subarray(0, room - (room % 2)) : chunk;
        chunks.push(kept);
        size += kept.length;
        if (size >= limits.maxAudioBytes - 1) finish(null);
      } else if (event.type === 'response.done') {
        const status = event.response?.status;
        if (status === 'failed')
          finish(new HttpError(502, 'upstream_error', 'the upstream response failed'));
        else finish(null);
      }
    });
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
  });
}
