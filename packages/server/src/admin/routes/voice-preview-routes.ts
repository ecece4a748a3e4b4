/** Voice preview: a short upstream session reads a sentence; the answer is audio/wav. */
import { DEFAULT_REALTIME_MODEL } from '@parley/core';
import { Hono } from 'hono';
import type { AdminRoutesOptions } from '../admin-route-options.js';
import type { AdminVariables } from '../admin-auth.js';
import { voicePreviewRequestSchema } from '../../schemas.js';
import { HttpError, jsonBody } from '../../http/errors.js';
import { defaultVoicePreviewLimits, synthesizePreview } from '../voice-preview.js';
import type { VoicePreviewLimits } from '../voice-preview.js';

/** Voice previews running at once, server-wide (each is an upstream session). */
const maxConcurrentPreviews = 2;

/** `POST /voice-preview` (behind sign-in). */
export function voicePreviewRoutes({ upstream, voicePreview }: AdminRoutesOptions) {
  const previewLimits: VoicePreviewLimits = { ...defaultVoicePreviewLimits, ...voicePreview };
  let previewsRunning = 0;
  const app = new Hono<{ Variables: AdminVariables }>();
  app.post('/voice-preview', async (c) => {
    const body = await jsonBody(c, voicePreviewRequestSchema);
    if (previewsRunning >= maxConcurrentPreviews) {
      throw new HttpError(
        429,
        'rate_limited',
        'a voice preview is already running; try again shortly',
        undefined,
        {
          'retry-after': '2',
        },
      );
    }
    previewsRunning += 1;
    try {
      const wav = await synthesizePreview(
        upstream,
        {
          voice: body.voice,
          model: body.model ?? DEFAULT_REALTIME_MODEL,
          speed: body.speed ?? 1,
          text: body.text ?? `Hi, I'm ${body.voice}. This is how I will sound to your visitors.`,
        },
        previewLimits,
      );
      return c.body(new Uint8Array(wav), 200, {
        'content-type': 'audio/wav',
        'content-length': String(wav.length),
      });
    } finally {
      previewsRunning -= 1;
    }
  });
  return app;
}
