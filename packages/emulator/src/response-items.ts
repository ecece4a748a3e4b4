import { itemToWire, type StoredItem } from './conversation.js';
import type { ActiveResponse, ResponseHost } from './response-types.js';
import { OUTPUT_SAMPLE_RATE } from './speech.js';
import { textTokens } from './usage.js';

/** Audio kept for retrieve and truncate, newest items first; older items keep their transcript and duration. */
export const MAX_RETAINED_AUDIO_MS = 2 * 60 * 1000;

/** Announces a new output item (`response.output_item.added`, and to the conversation). */
export function addOutputItem(
  host: ResponseHost,
  response: ActiveResponse,
  item: StoredItem,
): number {
  const outputIndex = response.output.length;
  response.output.push(item);
  host.emit({
    type: 'response.output_item.added',
    response_id: response.id,
    output_index: outputIndex,
    item: itemToWire(item),
  });
  if (response.overrides.conversation === 'auto') {
    const previous = host.conversation.insert(item);
    host.emitItemAdded(item, previous);
  }
  return outputIndex;
}

/** `conversation.item.done` for an item of a default-conversation response still in the conversation. */
export function emitItemDone(host: ResponseHost, response: ActiveResponse, item: StoredItem): void {
  if (response.overrides.conversation !== 'auto' || !host.conversation.get(item.id)) return;
  const list = host.conversation.list();
  const index = list.indexOf(item);
  host.emit({
    type: 'conversation.item.done',
    previous_item_id: index > 0 ? list[index - 1]!.id : null,
    item: itemToWire(item),
  });
}

/** Emits the closing events of the open part and item (completed, or incomplete on cancel). */
export function closeItem(
  host: ResponseHost,
  response: ActiveResponse,
  status: 'completed' | 'incomplete',
): void {
  const open = response.open;
  if (!open) return;
  response.open = null;
  const { item } = open;
  if (open.kind !== 'function_call') {
    const partIds = {
      response_id: response.id,
      item_id: item.id,
      output_index: open.outputIndex,
      content_index: 0,
    };
    response.outputText += textTokens(open.sent);
    if (open.kind === 'audio') {
      item.content = [{ type: 'output_audio', transcript: open.sent }];
      item.audio = [Buffer.concat(open.audio)];
      item.audioFormat = host.session().audio.output.format;
      item.audioMs = (open.sentSamples / OUTPUT_SAMPLE_RATE) * 1000;
      if (open.partOpen) {
        host.emit({ type: 'response.output_audio.done', ...partIds });
        host.emit({
          type: 'response.output_audio_transcript.done',
          ...partIds,
          transcript: open.sent,
        });
        host.emit({
          type: 'response.content_part.done',
          ...partIds,
          part: { type: 'audio', transcript: open.sent },
        });
      }
    } else {
      item.content = [{ type: 'output_text', text: open.sent }];
      if (open.partOpen) {
        host.emit({ type: 'response.output_text.done', ...partIds, text: open.sent });
        host.emit({
          type: 'response.content_part.done',
          ...partIds,
          part: { type: 'text', text: open.sent },
        });
      }
    }
  }
  item.status = status;
  host.emit({
    type: 'response.output_item.done',
    response_id: response.id,
    output_index: open.outputIndex,
    item: itemToWire(item),
  });
  emitItemDone(host, response, item);
  host.conversation.boundAudio(MAX_RETAINED_AUDIO_MS);
}
