import type { ConnectionContext } from './connection-context.js';
import type { StoredItem } from './conversation.js';
import { createObfuscation } from './ids.js';
import { audioTokens, textTokens } from './usage.js';

/**
 * Transcribes a committed user message: `conversation.item.input_audio_transcription.delta`
 * events (whole text for `whisper-1`, word by word for the GPT transcribe models) then
 * `.completed` with the model's kind of usage. The text is the scripted transcript, or a
 * placeholder naming the audio's length.
 */
export function scheduleTranscription(context: ConnectionContext, item: StoredItem): void {
  const model = context.session.audio.input.transcription?.model ?? 'whisper-1';
  const text = item.spokenText ?? '';
  // Asynchronous like the real ASR, so client code that assumes an order gets exercised.
  context.later(context.paced(40), () => {
    if (!context.conversation.get(item.id)) return;
    const pieces = model === 'whisper-1' ? [text] : (text.match(/\S+\s*/g) ?? [text]);
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
