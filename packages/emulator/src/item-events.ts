import { awaitApprovalContinuation } from './approval-continuation.js';
import { buildClientItem, type ClientItemContext } from './client-items.js';
import type { ConnectionContext, Json } from './connection-context.js';
import { itemToWire, type StoredItem } from './conversation.js';
import { EmulatorProtocolError, describeJsonType, missingOrInvalidType } from './errors.js';
import { OUTPUT_SAMPLE_RATE } from './speech.js';

/** `conversation.item.create`: after `previous_item_id` (or at the end), checked strictly. */
export function onItemCreate(context: ConnectionContext, event: Json): void {
  const previousItemId = event.previous_item_id;
  if (previousItemId !== undefined && previousItemId !== null) {
    if (typeof previousItemId !== 'string') {
      throw new EmulatorProtocolError(
        'invalid_type',
        `Invalid type for 'previous_item_id': expected a string, but got ${describeJsonType(previousItemId)} instead.`,
        'previous_item_id',
      );
    }
    if (previousItemId !== 'root' && !context.conversation.get(previousItemId)) {
      throw new EmulatorProtocolError(
        'invalid_value',
        `Previous item with id '${previousItemId}' not found.`,
        'previous_item_id',
      );
    }
  }
  const item = buildClientItem(event.item, 'item', itemContext(context, true));
  const previous = context.conversation.insert(item, previousItemId);
  context.emitItemAdded(item, previous);
  if (item.type === 'mcp_approval_response') awaitApprovalContinuation(context, item.id);
}

/** What building a client item needs; `checkIds` is off for inline `response.input` items. */
export function itemContext(context: ConnectionContext, checkIds: boolean): ClientItemContext {
  return {
    conversation: context.conversation,
    inputFormat: context.session.audio.input.format,
    takeTranscript: () => context.transcripts.shift(),
    checkIds,
  };
}

function requireItemId(context: ConnectionContext, event: Json, code: string): StoredItem {
  const itemId = event.item_id;
  if (typeof itemId !== 'string') {
    throw missingOrInvalidType(itemId, 'item_id', 'a string');
  }
  const item = context.conversation.get(itemId);
  if (!item)
    throw new EmulatorProtocolError(code, `Item with item_id not found: ${itemId}`, 'item_id');
  return item;
}

/** `conversation.item.delete`. */
export function onItemDelete(context: ConnectionContext, event: Json): void {
  const item = requireItemId(context, event, 'item_delete_invalid_item_id');
  context.conversation.delete(item.id);
  context.emit({ type: 'conversation.item.deleted', item_id: item.id });
}

/** `conversation.item.retrieve`: the item with its audio, while the emulator still keeps it. */
export function onItemRetrieve(context: ConnectionContext, event: Json): void {
  const item = requireItemId(context, event, 'item_retrieve_invalid_item_id');
  context.emit({ type: 'conversation.item.retrieved', item: itemToWire(item, true) });
}

function readAudioEndMs(event: Json): number {
  const audioEndMs = event.audio_end_ms;
  if (typeof audioEndMs !== 'number' || !Number.isInteger(audioEndMs)) {
    throw missingOrInvalidType(audioEndMs, 'audio_end_ms', 'an integer');
  }
  if (audioEndMs < 0) {
    throw new EmulatorProtocolError(
      'integer_below_min_value',
      `Invalid 'audio_end_ms': integer below minimum value. Expected a value >= 0, but got ${audioEndMs} instead.`,
      'audio_end_ms',
    );
  }
  return audioEndMs;
}

/**
 * `conversation.item.truncate`: cuts an assistant audio message at what the client played. On an
 * item still streaming, it also stops the audio sent so far from counting past that point.
 */
export function onItemTruncate(context: ConnectionContext, event: Json): void {
  const item = requireItemId(context, event, 'item_truncate_invalid_item_id');
  const part = item.content?.[0];
  if (item.role !== 'assistant' || part?.type !== 'output_audio') {
    throw new EmulatorProtocolError(
      'item_truncate_invalid_item_id',
      `Only assistant messages with audio can be truncated; item ${item.id} has none.`,
      'item_id',
    );
  }
  if (event.content_index !== undefined && event.content_index !== 0) {
    throw new EmulatorProtocolError(
      'invalid_value',
      `Invalid 'content_index': ${JSON.stringify(event.content_index)}. Only content_index 0 (the audio part) can be truncated.`,
      'content_index',
    );
  }
  const audioEndMs = readAudioEndMs(event);
  const open = context.responses.openPartOf(item);
  const sentMs = open ? (open.sentSamples / OUTPUT_SAMPLE_RATE) * 1000 : (item.audioMs ?? 0);
  if (audioEndMs > Math.floor(sentMs)) {
    throw new EmulatorProtocolError(
      'invalid_value',
      `Audio content of ${Math.floor(sentMs)}ms is already shorter than ${audioEndMs}ms`,
      'audio_end_ms',
    );
  }
  const keepBytes = Math.floor((audioEndMs * OUTPUT_SAMPLE_RATE) / 1000) * 2;
  const audio = Buffer.concat(open ? open.audio : (item.audio ?? []));
  item.audio = [audio.subarray(0, keepBytes)];
  item.audioMs = audioEndMs;
  // The real server drops the transcript so the model is not credited with words never heard.
  part.transcript = '';
  if (open) open.sentSamples = Math.min(open.sentSamples, keepBytes / 2);
  context.emit({
    type: 'conversation.item.truncated',
    item_id: item.id,
    content_index: 0,
    audio_end_ms: audioEndMs,
  });
}
