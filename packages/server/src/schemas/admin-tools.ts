// Admin tools: tool test-runs and voice previews.
import { z } from 'zod';

/** `POST /api/admin/tools/:id/test`: the arguments to run the tool with (an object). */
export const toolTestRequestSchema = z.object({
  arguments: z.record(z.string(), z.unknown()).default({}),
  /**
   * Run as this agent (its published version): its knowledge documents and notify address.
   * Without it the tool runs as a neutral test agent.
   */
  agentId: z.string().min(1).max(200).optional(),
});

/** Answer of `POST /api/admin/tools/:id/test`. */
export const toolTestResultSchema = z.object({
  ok: z.boolean(),
  /** What the tool answered (parsed JSON) when it succeeded, or the structured error output. */
  output: z.unknown().optional(),
  /** `code: message` when the run failed (invalid arguments, timeout, HTTP error, …). */
  error: z.string().nullable().optional(),
  durationMs: z.number().nullable().optional(),
  /** The HTTP status the webhook answered, when it answered with an error status. */
  status: z.number().nullable().optional(),
});
/** See {@link toolTestResultSchema}. */
export type ToolTestResult = z.infer<typeof toolTestResultSchema>;

/** Longest text a voice preview reads. */
export const voicePreviewMaxTextLength = 300;

/** `POST /api/admin/voice-preview`: answers `audio/wav` (PCM16, 24 kHz, mono). */
export const voicePreviewRequestSchema = z.object({
  voice: z.string().min(1).max(100),
  model: z.string().min(1).max(100).optional(),
  speed: z.number().min(0.25).max(1.5).optional(),
  text: z.string().trim().min(1).max(voicePreviewMaxTextLength).optional(),
});
/** See {@link voicePreviewRequestSchema}. */
export type VoicePreviewRequest = z.infer<typeof voicePreviewRequestSchema>;
