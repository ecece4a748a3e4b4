import type { StoredItem } from './conversation.js';

/** Token usage in the `response.done` shape. */
export interface Usage {
  total_tokens: number;
  input_tokens: number;
  output_tokens: number;
  input_token_details: {
    text_tokens: number;
    audio_tokens: number;
    image_tokens: number;
    cached_tokens: number;
    cached_tokens_details: { text_tokens: number; audio_tokens: number; image_tokens: number };
  };
  output_token_details: { text_tokens: number; audio_tokens: number };
}

/** About four characters of English per text token. */
export function textTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

/** User audio costs 1 token per 100 ms (10/s); assistant audio 1 per 50 ms (20/s). */
export function audioTokens(ms: number, role: 'user' | 'assistant'): number {
  return Math.ceil(ms / (role === 'user' ? 100 : 50));
}

/** Input tokens of a response's context: instructions, tools and every item. */
export function contextTokens(
  instructions: string,
  toolsJson: string,
  items: readonly StoredItem[],
): { text: number; audio: number } {
  let text = textTokens(instructions) + textTokens(toolsJson);
  let audio = 0;
  for (const item of items) {
    text += 4; // per-message framing tokens
    if (item.type === 'function_call')
      text += textTokens((item.name ?? '') + (item.arguments ?? ''));
    else if (item.type === 'function_call_output') text += textTokens(item.output ?? '');
    for (const part of item.content ?? []) {
      if (typeof part.text === 'string') text += textTokens(part.text);
      if (part.type === 'input_audio') audio += audioTokens(item.audioMs ?? 0, 'user');
      if (part.type === 'output_audio') audio += audioTokens(item.audioMs ?? 0, 'assistant');
    }
  }
  return { text, audio };
}

/**
 * Builds `usage`. Cached tokens model the prompt cache: the previous response's input, rounded
 * down to 64-token blocks, counted text first.
 */
export function buildUsage(
  input: { text: number; audio: number },
  output: { text: number; audio: number },
  previousInput: number,
): Usage {
  const inputTotal = input.text + input.audio;
  const cached = Math.min(inputTotal, Math.floor(previousInput / 64) * 64);
  const cachedText = Math.min(cached, input.text);
  const outputTotal = output.text + output.audio;
  return {
    total_tokens: inputTotal + outputTotal,
    input_tokens: inputTotal,
    output_tokens: outputTotal,
    input_token_details: {
      text_tokens: input.text,
      audio_tokens: input.audio,
      image_tokens: 0,
      cached_tokens: cached,
      cached_tokens_details: {
        text_tokens: cachedText,
        audio_tokens: cached - cachedText,
        image_tokens: 0,
      },
    },
    output_token_details: { text_tokens: output.text, audio_tokens: output.audio },
  };
}
