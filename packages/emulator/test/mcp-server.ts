// A real MCP server on loopback, built with the official MCP TypeScript SDK (stateless streamable
// HTTP: one server and transport per request), for the emulator's MCP tool tests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

/** A running test MCP server. */
export interface TestMcpServer {
  url: string;
  /** Tool calls received, in order, with the request headers they came with. */
  calls: Array<{ name: string; args: unknown; authorization: string | undefined }>;
  close(): Promise<void>;
}

function buildServer(calls: TestMcpServer['calls'], request: IncomingMessage): McpServer {
  const server = new McpServer({ name: 'parley-test-docs', version: '1.0.0' });
  server.registerTool(
    'lookup_opening_hours',
    {
      description: 'Look up the opening hours of a branch by city',
      inputSchema: { city: z.string().describe('the city') },
      annotations: { readOnlyHint: true },
    },
    ({ city }) => {
      calls.push({
        name: 'lookup_opening_hours',
        args: { city },
        authorization: request.headers.authorization,
      });
      return { content: [{ type: 'text', text: JSON.stringify({ city, hours: '9 to 5' }) }] };
    },
  );
  server.registerTool(
    'cancel_order',
    {
      description: 'Cancel an order by its number',
      inputSchema: { order_number: z.string().describe('the order number') },
    },
    ({ order_number }) => {
      calls.push({
        name: 'cancel_order',
        args: { order_number },
        authorization: request.headers.authorization,
      });
      return { content: [{ type: 'text', text: 'order not found' }], isError: true };
    },
  );
  return server;
}

/**
 * Starts the server on 127.0.0.1 with a free port; it requires `authorization` when given, and
 * answers each request `delayMs` late when given (a slow server, for listings still under way).
 */
export async function startTestMcpServer(
  options: { requireAuthorization?: string; delayMs?: number } = {},
): Promise<TestMcpServer> {
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
      const server = buildServer(calls, req);
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
