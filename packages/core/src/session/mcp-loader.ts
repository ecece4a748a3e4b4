// Loads the MCP code with the first MCP server event. Until it is there, that event and every one
// after it wait in order, then go to the machine behind `mcp_ready`, so the machine sees the
// stream as it came, just later.
import { store } from '../machine/conversation.js';
import type { MachineEvent } from '../machine/events.js';
import { withText, withView } from '../machine/items.js';
import type { McpKit } from '../machine/mcp-family.js';
import { requestResponse, touch } from '../machine/sequencing.js';
import { TextRope } from '../machine/text-rope.js';
import type { ServerEvent, UnknownEvent } from '../protocol/index.js';
import type * as McpRuntimeModule from './mcp-runtime.js';

type McpRuntime = typeof McpRuntimeModule;

/** The machine's item helpers, handed to the MCP chunk instead of imported by it. */
const kit: McpKit = {
  store,
  withText,
  withView,
  requestResponse,
  touch,
  rope: (text) => (text === '' ? TextRope.empty : TextRope.of(text)),
};
type ServerMachineEvent = Extract<MachineEvent, { type: 'server' }>;

/**
 * Whether a server event is about MCP: its type, or the item it carries (an MCP item always comes
 * in an item event before any `response.done` lists it).
 */
function isMcpEvent(event: ServerEvent | UnknownEvent): boolean {
  const item = (event as { item?: { type?: unknown } }).item;
  return /mcp_/.test(event.type) || /^mcp_/.test(String(item?.type));
}

/** The MCP chunk, loaded once per session when the first MCP event comes. */
export class McpLoader {
  /** The loaded MCP code, or null before the first MCP event. */
  runtime: McpRuntime | null = null;
  private held: ServerMachineEvent[] | null = null;

  constructor(
    private readonly dispatch: (event: MachineEvent) => void,
    private readonly onError: (error: unknown) => void,
    private readonly load: () => Promise<McpRuntime> = () => import('./mcp-runtime.js'),
  ) {}

  /** Takes the event when it must wait for the MCP code (true), else leaves it to the caller. */
  hold(event: ServerMachineEvent): boolean {
    if (this.held !== null) {
      this.held.push(event);
      return true;
    }
    if (this.runtime !== null || !isMcpEvent(event.event)) return false;
    this.held = [event];
    this.load().then(
      (runtime) => {
        this.runtime = runtime;
        const handlers = runtime.createMcpHandlers(kit);
        this.dispatch({ type: 'mcp_ready', handlers, at: event.at });
        this.release();
      },
      (error: unknown) => {
        // Without the chunk the events still go through: MCP items are then left out.
        this.onError(error);
        this.release();
      },
    );
    return true;
  }

  private release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const event of held) this.dispatch(event);
  }
}
