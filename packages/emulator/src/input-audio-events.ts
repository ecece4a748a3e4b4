import { checkAudioFormat, decodeStrictBase64, decodeToLinear } from './audio-format.js';
import type { ConnectionContext, Json } from './connection-context.js';
import type { StoredItem } from './conversation.js';
import { EmulatorProtocolError, missingOrInvalidType } from './errors.js';
import { createId } from './ids.js';
import { scheduleTranscription } from './input-transcription.js';
import { defaultOverrides } from './response-overrides.js';
import { MAX_RETAINED_AUDIO_MS } from './response-stream.js';
import type { VadEvent } from './vad.js';

const MIN_COMMIT_MS = 100;
const MAX_MANUAL_BUFFER_MS = 15 * 60 * 1000;

/** `input_audio_buffer.append`: check the audio, buffer it, and run it through the VAD. */
export function onAppend(context: ConnectionContext, event: Json): void {
  const audio = event.audio;
  if (typeof audio !== 'string') {
    throw missingOrInvalidType(audio, 'audio', 'a string');
  }
  const bytes = decodeStrictBase64(audio, 'audio');
  const format = context.session.audio.input.format;
  checkAudioFormat(bytes, format, 'audio');
  const startSample = context.buffer.append(bytes);
  const vad = context.vad;
  if (!vad) {
    context.buffer.bound(MAX_MANUAL_BUFFER_MS);
    return;
  }
  const samples = decodeToLinear(bytes, format);
  const events = vad.push(samples, startSample, context.buffer.bufferStartSample);
  for (const vadEvent of events) onVadEvent(context, vadEvent);
  if (!vad.speaking) {
    const detection = context.session.audio.input.turn_detection;
    const padding = detection?.type === 'server_vad' ? detection.prefix_padding_ms : 300;
    context.buffer.trimOlderThan(padding + 200);
  }
}

/** `input_audio_buffer.clear`. */
export function onClear(context: ConnectionContext): void {
  context.buffer.clear();
  context.vad?.reset(context.buffer.endSample);
  context.pendingUserItemId = null;
  context.emit({ type: 'input_audio_buffer.cleared' });
}

function onVadEvent(context: ConnectionContext, event: VadEvent): void {
  const detection = context.session.audio.input.turn_detection;
  if (!detection) return;
  if (event.type === 'speech_started') {
    clearIdleTimer(context);
    context.pendingUserItemId = createId('item');
    context.emit({
      type: 'input_audio_buffer.speech_started',
      audio_start_ms: Math.round(context.buffer.sampleToMs(event.startSample)),
      item_id: context.pendingUserItemId,
    });
    const active = context.responses.active;
    if (detection.interrupt_response && active) context.responses.cancel(active, 'turn_detected');
    return;
  }
  const itemId = context.pendingUserItemId ?? createId('item');
  context.pendingUserItemId = null;
  context.emit({
    type: 'input_audio_buffer.speech_stopped',
    audio_end_ms: Math.round(context.buffer.sampleToMs(event.endSample)),
    item_id: itemId,
  });
  commitBuffer(context, itemId, event.endSample);
  if (detection.create_response && context.session.type === 'realtime') {
    const active = context.responses.active;
    if (active) context.sendError(context.responses.activeResponseError(active), null);
    else context.responses.start(defaultOverrides());
  }
}

/** `input_audio_buffer.commit`: at least 100 ms, as the real server requires. */
export function onCommit(context: ConnectionContext): void {
  const buffered = context.buffer.bufferedMs;
  if (buffered < MIN_COMMIT_MS) {
    throw new EmulatorProtocolError(
      'input_audio_buffer_commit_empty',
      `Error committing input audio buffer: buffer too small. Expected at least ${MIN_COMMIT_MS}ms of audio, but buffer only has ${buffered.toFixed(2)}ms of audio.`,
    );
  }
  const itemId = context.pendingUserItemId ?? createId('item');
  context.pendingUserItemId = null;
  commitBuffer(context, itemId);
  context.vad?.reset(context.buffer.endSample);
}

/** Turns the buffered audio (up to `untilSample`) into a user message, then transcribes it. */
function commitBuffer(context: ConnectionContext, itemId: string, untilSample?: number): void {
  const committed = context.buffer.take(untilSample);
  const supplied = context.transcripts.shift();
  const item: StoredItem = {
    id: itemId,
    type: 'message',
    status: 'completed',
    role: 'user',
    content: [{ type: 'input_audio', transcript: null }],
    // One copy: the decoded frames are slices of shared pool slabs that would otherwise stay pinned.
    audio: [Buffer.concat(committed.audio, committed.byteLength)],
    audioFormat: context.session.audio.input.format,
    audioMs: committed.ms,
    spokenText: supplied ?? `[speech ${(committed.ms / 1000).toFixed(1)} s]`,
    spokenTextSupplied: supplied !== undefined,
  };
  const previous = context.conversation.insert(item);
  context.conversation.boundAudio(MAX_RETAINED_AUDIO_MS);
  context.emit({
    type: 'input_audio_buffer.committed',
    previous_item_id: previous,
    item_id: itemId,
  });
  context.emitItemAdded(item, previous);
  if (context.session.audio.input.transcription) scheduleTranscription(context, item);
}

// ── Idle timeout (GA server_vad `idle_timeout_ms`) ──────────────────────────────────────────

/** Stops the idle timer (the user spoke, or a response started). */
export function clearIdleTimer(context: ConnectionContext): void {
  if (context.idleTimer) clearTimeout(context.idleTimer);
  context.idleTimer = null;
}

/**
 * After a response, waits for its audio to play and then `idle_timeout_ms` of silence; then the
 * server commits what it has (`input_audio_buffer.timeout_triggered`) and responds, as GA does.
 */
export function armIdleTimer(context: ConnectionContext, playbackMs: number): void {
  const detection = context.session.audio.input.turn_detection;
  if (detection?.type !== 'server_vad' || !detection.idle_timeout_ms) return;
  clearIdleTimer(context);
  context.idleTimer = setTimeout(
    () => {
      context.idleTimer = null;
      if (context.closed || context.responses.active || context.vad?.speaking) return;
      const itemId = createId('item');
      const endMs = Math.round(context.buffer.sampleToMs(context.buffer.endSample));
      const startMs = Math.round(context.buffer.sampleToMs(context.buffer.bufferStartSample));
      context.emit({
        type: 'input_audio_buffer.timeout_triggered',
        item_id: itemId,
        audio_start_ms: startMs,
        audio_end_ms: endMs,
      });
      commitBuffer(context, itemId);
      context.vad?.reset(context.buffer.endSample);
      context.responses.start(defaultOverrides());
    },
    context.paced(playbackMs) + detection.idle_timeout_ms,
  );
}
