// Server events of the conversation family: items added, done, retrieved, truncated and deleted,
// and the input audio transcription that fills a user item's text.
import type { ServerEventOf } from '../../protocol/index.js';
import { applyItem } from '../apply-item.js';
import { appendText, finalText, markTruncated, store } from '../conversation.js';
import { withView } from '../items.js';
import type { ServerEventHandlers, StampedTransition } from '../transition.js';

type ItemEvent = ServerEventOf<
  'conversation.item.added' | 'conversation.item.done' | 'conversation.item.retrieved'
>;

function onItem(t: StampedTransition, event: ItemEvent): void {
  applyItem(t, event.item, {
    previousItemId:
      event.type === 'conversation.item.retrieved' ? undefined : event.previous_item_id,
    final: event.type === 'conversation.item.done',
    wallAt: t.wallAt,
    positioned: event.type !== 'conversation.item.retrieved',
  });
}

export const itemEventHandlers: ServerEventHandlers = {
  'conversation.item.added': onItem,
  'conversation.item.done': onItem,
  'conversation.item.retrieved': onItem,
  'conversation.item.truncated': (t, event) => markTruncated(t, event.item_id, event.audio_end_ms),
  'conversation.item.deleted': (t, event) => t.remove(event.item_id),
  'conversation.item.input_audio_transcription.delta': (t, event) => {
    if (event.delta) appendText(t, event.item_id, event.delta, 'user', t.wallAt, null, 'audio');
  },
  'conversation.item.input_audio_transcription.completed': onTranscriptionCompleted,
  'conversation.item.input_audio_transcription.failed': (t, event) => {
    const record = t.record(event.item_id);
    if (record?.view.type === 'message') {
      store(
        t,
        withView(record, {
          streaming: false,
          transcriptionError: event.error.message ?? event.error.code ?? 'transcription failed',
        }),
      );
    }
  },
};

function onTranscriptionCompleted(
  t: StampedTransition,
  event: ServerEventOf<'conversation.item.input_audio_transcription.completed'>,
): void {
  finalText(t, event.item_id, event.transcript, 'user', t.wallAt, {
    streaming: false,
    modality: 'audio',
  });
  const usage = event.usage;
  if (!usage) return;
  const current = t.snapshot.usage;
  const tokens =
    usage.type === 'tokens'
      ? (usage.total_tokens ?? (usage.input_tokens ?? 0) + (usage.output_tokens ?? 0))
      : 0;
  const seconds = usage.type === 'duration' ? usage.seconds : 0;
  t.set('usage', {
    ...current,
    transcription: {
      tokens: current.transcription.tokens + tokens,
      seconds: current.transcription.seconds + seconds,
    },
  });
}
