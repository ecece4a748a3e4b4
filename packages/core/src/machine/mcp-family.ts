// The MCP handlers as a table the session hands to the machine once loaded: MCP items, events and
// approvals are rare in voice apps, so their code loads with the first MCP event (see
// ../session/mcp-runtime.ts) and the reducer reaches it through `state.mcp`, importing only this.
import type { RealtimeItem } from '../protocol/index.js';
import type { ConversationItem } from '../types.js';
import type { CreateReason, ItemRecord, MachineState, McpRef } from './state.js';
import type { TextRope } from './text-rope.js';
import type { NeutralEventHandlers, Transition } from './transition.js';

/** An MCP item as the server reports it. */
export type McpServerItem = Extract<
  RealtimeItem,
  { type: 'mcp_list_tools' | 'mcp_call' | 'mcp_approval_request' | 'mcp_approval_response' }
>;

/** Where a server item goes and what the machine knows about it (as for the other items). */
export interface McpItemPlacement {
  readonly previousItemId?: string | null | undefined;
  readonly final: boolean;
  readonly responseId?: string | null;
  readonly wallAt: number;
  readonly positioned: boolean;
}

/** The machine's MCP handlers. */
export interface McpHandlers extends McpRef {
  /** The MCP kinds of the Realtime adapter (`mcp_listing`, `mcp_arguments`, `mcp_call_running`). */
  readonly events: NeutralEventHandlers;
  applyItem(t: Transition, item: McpServerItem, at: McpItemPlacement): void;
  answer(t: Transition, requestId: string, approve: boolean, reason: string | null): void;
  cancelCalls(t: Transition, responseId: string): void;
}

/** The MCP handlers the state holds, if loaded. */
export function mcpOf(state: MachineState): McpHandlers | null {
  return state.mcp as McpHandlers | null;
}

/** Whether a server item is an MCP item. */
export function isMcpItem(item: RealtimeItem): item is McpServerItem {
  return item.type.startsWith('mcp_');
}

/** The machine's item helpers the MCP chunk uses (see `useMcpKit` in ./mcp.ts). */
export interface McpKit {
  store(t: Transition, record: ItemRecord, afterId?: string | null): void;
  withText(record: ItemRecord, text: TextRope, change?: Partial<ConversationItem>): ItemRecord;
  withView(record: ItemRecord, change: Partial<ConversationItem>): ItemRecord;
  requestResponse(t: Transition, reason: CreateReason): void;
  touch(t: Transition): void;
  rope(text: string): TextRope;
}
