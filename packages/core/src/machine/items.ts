import type { RealtimeItem } from '../protocol/index.js';
import type { ConversationItem, FunctionCallItem, ItemStatus, MessageItem } from '../types.js';
import type { ItemRecord } from './state.js';
import { TextRope } from './text-rope.js';

/** A change to some fields of an item view. */
export type ItemChange<T> = { -readonly [K in keyof T]?: T[K] };

/** Samples per millisecond of the 24 kHz audio that crosses the AudioPort. */
export const SAMPLES_PER_MS = 24;

/**
 * A public item whose `text` (or `arguments`) is read from a {@link TextRope} on first access:
 * an own enumerable getter, so spreading, `JSON.stringify` and `structuredClone` see a string.
 */
function withLazyText<T extends ConversationItem>(
  fields: Omit<T, 'text' | 'arguments'>,
  key: 'text' | 'arguments',
  rope: TextRope,
): T {
  const item = { ...fields } as T;
  Object.defineProperty(item, key, {
    enumerable: true,
    configurable: false,
    get: () => rope.toString(),
  });
  return item;
}

/** Builds a message view over `rope`. */
export function messageView(fields: Omit<MessageItem, 'text'>, rope: TextRope): MessageItem {
  return withLazyText<MessageItem>(fields, 'text', rope);
}

/** Builds a function call view over `rope` (its arguments). */
export function functionCallView(
  fields: Omit<FunctionCallItem, 'arguments'>,
  rope: TextRope,
): FunctionCallItem {
  return withLazyText<FunctionCallItem>(fields, 'arguments', rope);
}

/** The view's own fields except the lazy one (reading them never joins the rope). */
function plainFields(view: ConversationItem, lazyKey: string | null): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(view)) {
    if (key !== lazyKey) fields[key] = (view as unknown as Record<string, unknown>)[key];
  }
  return fields;
}

/** The field of a view read from its record's rope: a message's text, a call's arguments. */
function lazyKeyOf(view: ConversationItem): 'text' | 'arguments' | null {
  if (view.type === 'message') return 'text';
  return view.type === 'mcp_list_tools' ? null : 'arguments';
}

/** The same record with view fields changed (the text kept). */
export function withView(record: ItemRecord, change: Partial<ConversationItem>): ItemRecord {
  const key = lazyKeyOf(record.view);
  const fields = { ...plainFields(record.view, key), ...change } as Omit<
    ConversationItem,
    'text' | 'arguments'
  >;
  const view = key === null ? (fields as ConversationItem) : withLazyText(fields, key, record.text);
  return { ...record, view };
}

/** The same record with new text (and, optionally, view fields). */
export function withText(
  record: ItemRecord,
  text: TextRope,
  change: Partial<ConversationItem> = {},
): ItemRecord {
  return withView({ ...record, text }, change);
}

/** A new message record. */
export function newMessage(
  fields: Partial<Omit<MessageItem, 'text'>> & Pick<MessageItem, 'id' | 'role' | 'createdAt'>,
  text: TextRope = TextRope.empty,
  positioned = true,
): ItemRecord {
  const view = messageView(
    {
      type: 'message',
      status: 'in_progress',
      modality: 'text',
      streaming: false,
      interrupted: false,
      heardText: null,
      audioEndMs: null,
      audioMs: 0,
      transcriptionError: null,
      responseId: null,
      ...fields,
    },
    text,
  );
  return { view, text, audioSamples: 0, audioDone: false, positioned };
}

/** A new function call record. */
export function newFunctionCall(
  fields: Partial<Omit<FunctionCallItem, 'arguments'>> &
    Pick<FunctionCallItem, 'id' | 'callId' | 'name' | 'createdAt'>,
  args: TextRope = TextRope.empty,
  positioned = true,
): ItemRecord {
  const view = functionCallView(
    {
      type: 'function_call',
      status: 'streaming',
      executor: 'client',
      output: null,
      error: null,
      durationMs: null,
      responseId: null,
      ...fields,
    },
    args,
  );
  return { view, text: args, audioSamples: 0, audioDone: false, positioned };
}

/** What a server item snapshot says about a message: modality and text (when it carries any). */
export function messageContent(item: Extract<RealtimeItem, { type: 'message' }>): {
  modality: 'audio' | 'text';
  text: string | null;
} {
  let modality: 'audio' | 'text' = 'text';
  const texts: string[] = [];
  let sawText = false;
  for (const part of item.content) {
    switch (part.type) {
      case 'input_audio':
      case 'output_audio':
      case 'audio':
        modality = 'audio';
        if (typeof part.transcript === 'string') {
          texts.push(part.transcript);
          sawText = true;
        }
        break;
      case 'input_text':
      case 'output_text':
      case 'text':
        if (typeof part.text === 'string') {
          texts.push(part.text);
          sawText = true;
        }
        break;
      default:
        break;
    }
  }
  const text = texts.join('');
  return { modality, text: sawText && text !== '' ? text : null };
}

/** A final status from a server status value. */
export function itemStatus(value: string | undefined, fallback: ItemStatus): ItemStatus {
  return value === 'in_progress' || value === 'completed' || value === 'incomplete'
    ? value
    : fallback;
}

/** PCM16 samples in a base64 string, from its length alone (no decoding). */
export function base64Samples(base64: string): number {
  const length = base64.length;
  if (length === 0) return 0;
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  const bytes = Math.floor((length * 3) / 4) - padding;
  return Math.floor(bytes / 2);
}

/**
 * The part of an interrupted transcript the user heard: the same share of the text as of the
 * audio, cut back to a word boundary. An estimate (speech rate is not uniform), labelled as such.
 */
export function heardPart(text: string, heardMs: number, totalMs: number): string {
  if (totalMs <= 0 || heardMs <= 0) return '';
  if (heardMs >= totalMs) return text;
  const cut = Math.floor((text.length * heardMs) / totalMs);
  const boundary = text.lastIndexOf(' ', cut);
  return text.slice(0, boundary > 0 ? boundary : cut).trimEnd();
}
