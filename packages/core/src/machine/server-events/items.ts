// Realtime events of the conversation family: item snapshots (added, done, retrieved, and a
// response's output items), items truncated and deleted, and the input audio transcription that
// fills a user item's text.
import { applyItem } from '../apply-item.js';
import { appendText, finalText, markTruncated, store } from '../conversation.js';
import { withView } from '../items.js';
import { markOutput } from '../responses.js';
import { startCall } from '../tool-calls.js';
import type { NeutralEventHandlers } from '../transition.js';

export const itemEventHandlers: NeutralEventHandlers = {
  item: (t, { item, final, responseId, previousItemId, positioned }) => {
    applyItem(t, item, { previousItemId, final, responseId, wallAt: t.wallAt, positioned });
    // A response's finished function call is what runs (the item carries its final arguments).
    if (final && responseId !== null && item.type === 'function_call' && item.id) {
      startCall(t, item.id, item.status);
    }
  },
  item_truncated: (t, event) => markTruncated(t, event.itemId, event.audioEndMs),
  item_deleted: (t, event) => t.remove(event.itemId),
  text_delta: (t, { itemId, delta, speaker, responseId, modality }) => {
    appendText(t, itemId, delta, speaker, t.wallAt, responseId, modality);
    if (responseId !== null) markOutput(t, responseId, 'text');
  },
  text_done: (t, event) => finalText(t, event.itemId, event.text, 'assistant', t.wallAt),
  input_transcription_done: (t, { itemId, text, usage }) => {
    finalText(t, itemId, text, 'user', t.wallAt, { streaming: false, modality: 'audio' });
    if (usage === null) return;
    const current = t.snapshot.usage;
    t.set('usage', {
      ...current,
      transcription: {
        tokens: current.transcription.tokens + usage.tokens,
        seconds: current.transcription.seconds + usage.seconds,
      },
    });
  },
  input_transcription_failed: (t, event) => {
    const record = t.record(event.itemId);
    if (record?.view.type === 'message') {
      store(t, withView(record, { streaming: false, transcriptionError: event.message }));
    }
  },
};
