import type { ConnectionContext } from './connection-context.js';
import type { StoredItem } from './conversation.js';
import { decodeToLinear } from './audio-format.js';
import { createObfuscation } from './ids.js';
import { audioTokens, textTokens } from './usage.js';

/** The transcription model that labels speakers: it sends `.segment` events instead of deltas. */
export const DIARIZING_TRANSCRIPTION_MODEL = 'gpt-4o-transcribe-diarize';

/**
 * Why a committed message cannot be transcribed, or null: an injected fault
 * (`transcriptionFailures`), or unreadable audio (half or more of the samples clipped).
 */
function transcriptionFailure(
  context: ConnectionContext,
  item: StoredItem,
): { code: string; message: string; type: string } | null {
  const faults = context.options.faults;
  if ((faults.transcriptionFailures ?? 0) > 0) {
    faults.transcriptionFailures = (faults.transcriptionFailures ?? 0) - 1;
    return {
      type: 'server_error',
      code: 'fault_injected',
      message: 'Input transcription failed (fault injection).',
    };
  }
  if (isMostlyClipped(item)) {
    return {
      type: 'invalid_request_error',
      code: 'audio_unreadable',
      message: 'Input transcription failed: the audio is clipped at full scale and cannot be read.',
    };
  }
  return null;
}

/** Half or more of the samples at full scale: a wrong format or a broken input, not speech. */
function isMostlyClipped(item: StoredItem): boolean {
  if (!item.audio || !item.audioFormat) return false;
  let clipped = 0;
  let total = 0;
  for (const chunk of item.audio) {
    const samples = decodeToLinear(chunk, item.audioFormat);
    total += samples.length;
    for (const sample of samples) if (sample >= 32767 || sample <= -32768) clipped++;
  }
  return total > 0 && clipped * 2 >= total;
}

/**
 * Transcribes a committed user message: `conversation.item.input_audio_transcription.delta`
 * events (whole text for `whisper-1`, word by word for the GPT transcribe models; `.segment`
 * events, one per sentence with a speaker label, for the diarizing model) then `.completed` with
 * the model's kind of usage, or `.failed` (see {@link transcriptionFailure}). The text is the
 * scripted transcript, or a placeholder naming the audio's length.
 */
export function scheduleTranscription(context: ConnectionContext, item: StoredItem): void {
  const model = context.session.audio.input.transcription?.model ?? 'whisper-1';
  const text = item.spokenText ?? '';
  // Asynchronous like the real ASR, so client code that assumes an order gets exercised.
  context.later(context.paced(40), () => {
    if (!context.conversation.get(item.id)) return;
    const failure = transcriptionFailure(context, item);
    if (failure) {
      context.emit({
        type: 'conversation.item.input_audio_transcription.failed',
        item_id: item.id,
        content_index: 0,
        error: failure,
      });
      return;
    }
    if (model === DIARIZING_TRANSCRIPTION_MODEL) emitSegments(context, item, text);
    const pieces =
      model === DIARIZING_TRANSCRIPTION_MODEL
        ? []
        : model === 'whisper-1'
          ? [text]
          : (text.match(/\S+\s*/g) ?? [text]);
    for (const delta of pieces) {
      context.emit({
        type: 'conversation.item.input_audio_transcription.delta',
        item_id: item.id,
        content_index: 0,
        delta,
        ...(context.options.dialect === 'ga' ? { obfuscation: createObfuscation(8) } : {}),
      });
    }
    const part = item.content?.[0];
    if (part) part.transcript = text;
    const audioInput = audioTokens(item.audioMs ?? 0, 'user');
    const usage =
      model === 'whisper-1'
        ? { type: 'duration', seconds: Math.ceil((item.audioMs ?? 0) / 1000) }
        : {
            type: 'tokens',
            input_tokens: audioInput,
            output_tokens: textTokens(text),
            total_tokens: audioInput + textTokens(text),
            input_token_details: { text_tokens: 0, audio_tokens: audioInput },
          };
    context.emit({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: item.id,
      content_index: 0,
      transcript: text,
      usage,
    });
  });
}

/**
 * One `.segment` per sentence, timed in proportion to its length over the audio; speakers
 * alternate `A`, `B`, … at each sentence that starts with a dash (a scripted transcript marks a
 * new speaker that way), else stay `A`.
 */
function emitSegments(context: ConnectionContext, item: StoredItem, text: string): void {
  const sentences = text.match(/[^.!?]+[.!?]*\s*/g) ?? [text];
  const seconds = (item.audioMs ?? 0) / 1000;
  let speaker = 0;
  let offset = 0;
  sentences.forEach((sentence, index) => {
    if (index > 0 && sentence.trimStart().startsWith('-')) speaker++;
    const start = (offset / Math.max(1, text.length)) * seconds;
    offset += sentence.length;
    const end = (offset / Math.max(1, text.length)) * seconds;
    context.emit({
      type: 'conversation.item.input_audio_transcription.segment',
      id: `seg_${String(index + 1).padStart(4, '0')}`,
      item_id: item.id,
      content_index: 0,
      text: sentence.trim(),
      speaker: String.fromCharCode(65 + (speaker % 26)),
      start: Math.round(start * 1000) / 1000,
      end: Math.round(end * 1000) / 1000,
    });
  });
}
