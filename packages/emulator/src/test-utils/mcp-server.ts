// A real MCP server on loopback, built with the official MCP TypeScript SDK (stateless streamable
// HTTP: one server and transport per request), for MCP tool tests: the emulator's own, and the
// server's relay tests (which give it their own tools).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

/** A tool of the test server; every argument is a string. */
export interface TestMcpTool {
  name: string;
  description: string;
  /** The arguments, by name, each with its description. */
  args: Record<string, string>;
  readOnly?: boolean;
  /** The tool's answer to a call: its text, and whether it is an error. */
  answer(args: Record<string, string>): { text: string; isError?: boolean };
}

/** A running test MCP server. */
export interface TestMcpServer {
  url: string;
  /** Tool calls received, in order, with the authorization header they came with. */
  calls: Array<{ name: string; args: unknown; authorization: string | undefined }>;
  close(): Promise<void>;
}

export interface TestMcpServerOptions {
  /** Refuse (401) a request without this authorization header. */
  requireAuthorization?: string;
  /** Answer each request this late (a slow server, for listings still under way). */
  delayMs?: number;
  /** The tools it serves; by default lookupOpeningHours and cancelOrder. */
  tools?: readonly TestMcpTool[];
}

/** A read-only tool that answers `{ city, hours: '9 to 5' }`. */
export const lookupOpeningHours: TestMcpTool = {
  name: 'lookup_opening_hours',
  description: 'Look up the opening hours of a branch by city',
  args: { city: 'the city' },
  readOnly: true,
  answer: ({ city }) => ({ text: JSON.stringify({ city, hours: '9 to 5' }) }),
};

/** A tool whose every call fails with 'order not found'. */
export const cancelOrder: TestMcpTool = {
  name: 'cancel_order',
  description: 'Cancel an order by its number',
  args: { order_number: 'the order number' },
  answer: () => ({ text: 'order not found', isError: true }),
};

function buildServer(
  tools: readonly TestMcpTool[],
  calls: TestMcpServer['calls'],
  request: IncomingMessage,
): McpServer {
  const server = new McpServer({ name: 'parley-test-mcp', version: '1.0.0' });
  for (const tool of tools) {
    const inputSchema = Object.fromEntries(
      Object.entries(tool.args).map(([name, description]) => [
        name,
        z.string().describe(description),
      ]),
    );
    server.registerTool(
      tool.name,
      {
        description: tool.description,
        inputSchema,
        ...(tool.readOnly ? { annotations: { readOnlyHint: true } } : {}),
      },
      (args: Record<string, string>) => {
        calls.push({ name: tool.name, args, authorization: request.headers.authorization });
        const { text, isError } = tool.answer(args);
        return { content: [{ type: 'text', text }], ...(isError ? { isError } : {}) };
      },
    );
  }
  return server;
}

/** Starts the server on 127.0.0.1 with a free port. */
export async function startTestMcpServer(
  options: TestMcpServerOptions = {},
): Promise<TestMcpServer> {
  const tools = options.tools ?? [lookupOpeningHours, cancelOrder];
  const calls: TestMcpServer['calls'] = [];
  const http = createServer((req, res) => {
    if (options.delayMs) setTimeout(() => handle(req, res), options.delayMs);
    else handle(req, res);
  });
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (
      options.requireAuthorization &&
      req.headers.authorization !== options.requireAuthorization
    ) {
      res.writeHead(401).end('unauthorized');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body: unknown = chunks.length
        ? JSON.parse(Buffer.concat(chunks).toString())
        : undefined;
      const server = buildServer(tools, calls, req);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      void server
        .connect(transport)
        .then(() => transport.handleRequest(req, res, body))
        .catch(() => res.writeHead(500).end());
    });
  };
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
