import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Conversation, StoredItem } from './conversation.js';
import { createId } from './ids.js';
import type { FunctionToolConfig, McpToolConfig } from './session-config.js';

type Json = Record<string, unknown>;

/** What the MCP servers of one connection need from it. */
export interface McpHost {
  readonly conversation: Conversation;
  emit(event: Json): void;
  emitItemAdded(item: StoredItem, previous: string | null): void;
  /** Whether the connection is still open (a listing that ends after the close sends nothing). */
  isOpen(): boolean;
}

/** A tool an MCP server offers, as `mcp_list_tools` items carry it. */
export interface McpListedTool {
  name: string;
  description: string | null;
  input_schema: unknown;
  annotations: unknown;
}

/** One MCP server of the session: its config, its listing and its client. */
interface McpServer {
  config: McpToolConfig;
  key: string;
  listing: Promise<void>;
  tools: McpListedTool[];
  client: Client | null;
  failed: boolean;
}

/** The outcome of one `mcp_call`: the tool's text output, or the error item field. */
export type McpCallResult = { output: string } | { error: Json };

const filterNames = (filter: McpToolConfig['allowed_tools']): string[] | null => {
  if (filter === null || filter === undefined) return null;
  if (Array.isArray(filter)) return filter;
  return filter.tool_names ?? null;
};

/** Whether `tool` matches an approval filter (`tool_names`, or `read_only` by the tool's annotations). */
function matches(
  filter: { tool_names?: string[] | undefined; read_only?: boolean | undefined } | null | undefined,
  tool: McpListedTool | undefined,
  name: string,
): boolean {
  if (!filter) return false;
  if (filter.tool_names?.includes(name)) return true;
  const readOnly = (tool?.annotations as { readOnlyHint?: unknown } | null)?.readOnlyHint === true;
  return filter.read_only !== undefined && filter.read_only === readOnly;
}

/**
 * The session's remote MCP servers (`tools[]` entries with `type: "mcp"`). Like the API, the
 * emulator connects to each server with the official MCP TypeScript SDK when the session gets
 * it, lists its tools (`mcp_list_tools.in_progress` → `.completed` or `.failed`, the list as an
 * `mcp_list_tools` item), and runs `mcp_call`s for the responses. Approval follows
 * `require_approval` (absent means `always`, the API's default).
 */
export class McpServers {
  private readonly servers = new Map<string, McpServer>();

  constructor(private readonly host: McpHost) {}

  /** Starts listing every MCP server of `tools` not listed yet; forgets the ones removed. */
  sync(tools: ReadonlyArray<FunctionToolConfig | Record<string, unknown>>): void {
    const wanted = tools.filter((tool): tool is McpToolConfig => tool.type === 'mcp');
    const keys = new Set<string>();
    for (const config of wanted) {
      const key = JSON.stringify([config.server_label, config.server_url, config.allowed_tools]);
      keys.add(config.server_label);
      const current = this.servers.get(config.server_label);
      if (current?.key === key) {
        current.config = config;
        continue;
      }
      if (current) void current.client?.close().catch(() => undefined);
      const server: McpServer = {
        config,
        key,
        listing: Promise.resolve(),
        tools: [],
        client: null,
        failed: false,
      };
      server.listing = this.list(server);
      this.servers.set(config.server_label, server);
    }
    for (const [label, server] of this.servers) {
      if (keys.has(label)) continue;
      void server.client?.close().catch(() => undefined);
      this.servers.delete(label);
    }
  }

  /**
   * Resolves once every listing started so far has ended (completed or failed), or after
   * `timeoutMs` if one is still under way then (a hung server must not hold a response forever).
   */
  async ready(timeoutMs = Infinity): Promise<void> {
    const all = Promise.all([...this.servers.values()].map((server) => server.listing));
    if (!Number.isFinite(timeoutMs)) {
      await all;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    try {
      await Promise.race([all, bound]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The listed tools as function-like definitions for the reply rules, each with its server. */
  toolDefinitions(): Array<FunctionToolConfig & { server_label: string }> {
    const out: Array<FunctionToolConfig & { server_label: string }> = [];
    for (const server of this.servers.values()) {
      for (const tool of server.tools) {
        out.push({
          type: 'function',
          name: tool.name,
          ...(tool.description ? { description: tool.description } : {}),
          parameters: (tool.input_schema ?? { type: 'object', properties: {} }) as Record<
            string,
            unknown
          >,
          server_label: server.config.server_label,
        });
      }
    }
    return out;
  }

  /** Whether a call of `name` on the server `label` needs the client's approval first. */
  needsApproval(label: string, name: string): boolean {
    const server = this.servers.get(label);
    const policy = server?.config.require_approval;
    if (policy === 'never') return false;
    if (policy === undefined || policy === null || policy === 'always') return true;
    const tool = server?.tools.find((entry) => entry.name === name);
    if (matches(policy.never, tool, name)) return false;
    if (matches(policy.always, tool, name)) return true;
    // A filter that names neither side leaves the API's default.
    return true;
  }

  /** Calls a tool on its server; a failure is an `mcp_call` error, never a thrown error. */
  async call(label: string, name: string, argumentsJson: string): Promise<McpCallResult> {
    const server = this.servers.get(label);
    if (!server?.client) {
      return {
        error: {
          type: 'protocol_error',
          code: -32000,
          message: `MCP server '${label}' is not connected.`,
        },
      };
    }
    let args: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(argumentsJson || '{}');
      args =
        parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
    } catch {
      args = {};
    }
    try {
      const result = await server.client.callTool({ name, arguments: args });
      const text = (result.content as Array<{ type: string; text?: string }> | undefined)
        ?.filter((part) => part.type === 'text')
        .map((part) => part.text ?? '')
        .join('\n');
      const output = text ?? JSON.stringify(result.structuredContent ?? null);
      if (result.isError === true)
        return { error: { type: 'tool_execution_error', message: output } };
      return { output };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return {
        error: {
          type: 'protocol_error',
          code: typeof code === 'number' ? code : -32603,
          message: error instanceof Error ? error.message : String(error),
        },
      };
    }
  }

  /** Closes every MCP client. */
  dispose(): void {
    for (const server of this.servers.values()) void server.client?.close().catch(() => undefined);
    this.servers.clear();
  }

  private async list(server: McpServer): Promise<void> {
    const item: StoredItem = {
      id: createId('item'),
      type: 'mcp_list_tools',
      status: 'in_progress',
      server_label: server.config.server_label,
      tools: [],
    };
    const previous = this.host.conversation.insert(item);
    this.host.emitItemAdded(item, previous);
    this.host.emit({ type: 'mcp_list_tools.in_progress', item_id: item.id });
    try {
      const url = server.config.server_url;
      if (!url) throw new Error('connectors are not emulated: give server_url');
      const headers: Record<string, string> = { ...(server.config.headers ?? {}) };
      if (server.config.authorization)
        headers.authorization = `Bearer ${server.config.authorization}`;
      const client = new Client({ name: 'parley-emulator', version: '0.1.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }),
      );
      const allowed = filterNames(server.config.allowed_tools);
      const listed = await client.listTools();
      server.client = client;
      server.tools = listed.tools
        .filter((tool) => allowed === null || allowed.includes(tool.name))
        .map((tool) => ({
          name: tool.name,
          description: tool.description ?? null,
          input_schema: tool.inputSchema,
          annotations: tool.annotations ?? null,
        }));
      if (!this.host.isOpen()) {
        void client.close().catch(() => undefined);
        return;
      }
      item.tools = server.tools.map((tool) => ({ ...tool }));
      item.status = 'completed';
      this.host.emit({ type: 'mcp_list_tools.completed', item_id: item.id });
    } catch {
      server.failed = true;
      item.status = 'incomplete';
      if (!this.host.isOpen()) return;
      this.host.emit({ type: 'mcp_list_tools.failed', item_id: item.id });
    }
    const list = this.host.conversation.list();
    const index = list.indexOf(item);
    if (index >= 0)
      this.host.emit({
        type: 'conversation.item.done',
        previous_item_id: index > 0 ? list[index - 1]!.id : null,
        item: {
          id: item.id,
          type: 'mcp_list_tools',
          server_label: item.server_label,
          tools: item.tools,
        },
      });
  }
}
