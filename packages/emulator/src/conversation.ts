import type { AudioFormat } from './session-config.js';

type Json = Record<string, unknown>;

/** A conversation item as the emulator stores it (GA shape, plus the audio it keeps). */
export interface StoredItem {
  id: string;
  type:
    | 'message'
    | 'function_call'
    | 'function_call_output'
    | 'mcp_list_tools'
    | 'mcp_call'
    | 'mcp_approval_request'
    | 'mcp_approval_response';
  status: 'completed' | 'in_progress' | 'incomplete';
  /** MCP items: the server's label. */
  server_label?: string;
  /** `mcp_list_tools`: the tools the server offers. */
  tools?: Json[];
  /** `mcp_call`: the approval it ran under; `mcp_approval_response`: the request it answers. */
  approval_request_id?: string | null;
  /** `mcp_call`: what went wrong, when it failed. */
  error?: Json | null;
  /** `mcp_approval_response`: the decision and its reason. */
  approve?: boolean;
  reason?: string | null;
  role?: 'user' | 'assistant' | 'system';
  content?: Json[];
  name?: string;
  call_id?: string;
  arguments?: string;
  output?: string;
  /** Audio of an `input_audio` / `output_audio` part, in `audioFormat`. */
  audio?: Buffer[];
  audioFormat?: AudioFormat;
  /** Milliseconds of audio the item holds. */
  audioMs?: number;
  /** The words spoken in a user audio item, when a test supplied them (or its `[speech N.N s]` stand-in). */
  spokenText?: string;
  /** True when the words were supplied by a test, not made up from the duration. */
  spokenTextSupplied?: boolean;
}

/** An item as events carry it: without audio bytes, unless `withAudio` (for `conversation.item.retrieved`). */
export function itemToWire(item: StoredItem, withAudio = false): Json {
  const out: Json = { id: item.id, type: item.type };
  if (item.type === 'message') {
    out.status = item.status;
    out.role = item.role;
    out.content = (item.content ?? []).map((part) => {
      if (!withAudio || (part.type !== 'input_audio' && part.type !== 'output_audio'))
        return { ...part };
      const audio = item.audio ? Buffer.concat(item.audio).toString('base64') : null;
      return { type: part.type, audio, transcript: part.transcript ?? null };
    });
  } else if (item.type === 'function_call') {
    out.status = item.status;
    out.name = item.name;
    out.call_id = item.call_id;
    out.arguments = item.arguments ?? '';
  } else if (item.type === 'mcp_list_tools') {
    out.server_label = item.server_label;
    out.tools = item.tools ?? [];
  } else if (item.type === 'mcp_call') {
    out.server_label = item.server_label;
    out.name = item.name;
    out.arguments = item.arguments ?? '';
    out.approval_request_id = item.approval_request_id ?? null;
    out.output = item.output ?? null;
    out.error = item.error ?? null;
  } else if (item.type === 'mcp_approval_request') {
    out.server_label = item.server_label;
    out.name = item.name;
    out.arguments = item.arguments ?? '';
  } else if (item.type === 'mcp_approval_response') {
    out.approval_request_id = item.approval_request_id;
    out.approve = item.approve;
    out.reason = item.reason ?? null;
  } else {
    out.call_id = item.call_id;
    out.output = item.output ?? '';
  }
  return out;
}

/** The default conversation: an ordered list of items with `previous_item_id` semantics. */
export class Conversation {
  readonly id: string;
  private readonly items: StoredItem[] = [];

  constructor(id: string) {
    this.id = id;
  }

  /** All items, oldest first. */
  list(): readonly StoredItem[] {
    return this.items;
  }

  get(id: string): StoredItem | undefined {
    return this.items.find((item) => item.id === id);
  }

  /** The id of the last item, or null for an empty conversation. */
  lastId(): string | null {
    return this.items[this.items.length - 1]?.id ?? null;
  }

  /**
   * Inserts an item: after `previousItemId`, at the start for `"root"`, at the end when
   * undefined. Returns the id of the item before it (null at the start). The caller checks that
   * `previousItemId` exists.
   */
  insert(item: StoredItem, previousItemId?: string | null): string | null {
    if (previousItemId === undefined || previousItemId === null) {
      const previous = this.lastId();
      this.items.push(item);
      return previous;
    }
    if (previousItemId === 'root') {
      this.items.unshift(item);
      return null;
    }
    const index = this.items.findIndex((existing) => existing.id === previousItemId);
    this.items.splice(index + 1, 0, item);
    return previousItemId;
  }

  delete(id: string): boolean {
    const index = this.items.findIndex((item) => item.id === id);
    if (index < 0) return false;
    this.items.splice(index, 1);
    return true;
  }

  /** Finds the function call an output answers. */
  findCall(callId: string): StoredItem | undefined {
    return this.items.find((item) => item.type === 'function_call' && item.call_id === callId);
  }

  /**
   * Drops the audio bytes of the oldest items until at most `maxMs` of audio is retained, so a
   * long conversation keeps memory flat (their transcripts and durations stay).
   */
  boundAudio(maxMs: number): void {
    let total = 0;
    for (let i = this.items.length - 1; i >= 0; i--) {
      const item = this.items[i]!;
      if (!item.audio) continue;
      total += item.audioMs ?? 0;
      if (total > maxMs) item.audio = undefined;
    }
  }
}
