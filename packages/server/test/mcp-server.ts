// A real MCP server on loopback, built with the official MCP TypeScript SDK (stateless streamable
// HTTP: one server and transport per request), for the relay's MCP tests. It refuses requests
// without the expected authorization header.
import { createServer, type IncomingMessage } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

/** A running test MCP server. */
export interface TestMcpServer {
  url: string;
  /** Tool calls received, in order, with the authorization header they came with. */
  calls: Array<{ name: string; args: unknown; authorization: string | undefined }>;
  close(): Promise<void>;
}

function buildServer(calls: TestMcpServer['calls'], request: IncomingMessage): McpServer {
  const server = new McpServer({ name: 'parley-test-realty', version: '1.0.0' });
  const record = (name: string, args: unknown) =>
    calls.push({ name, args, authorization: request.headers.authorization });
  server.registerTool(
    'lookup_opening_hours',
    {
      description: 'Look up the opening hours of a branch by city',
      inputSchema: { city: z.string().describe('the city') },
      annotations: { readOnlyHint: true },
    },
    ({ city }) => {
      record('lookup_opening_hours', { city });
      return { content: [{ type: 'text', text: JSON.stringify({ city, hours: '9 to 5' }) }] };
    },
  );
  server.registerTool(
    'book_viewing',
    {
      description: 'Book a viewing of a property in a city',
      inputSchema: { city: z.string().describe('the city of the property') },
    },
    ({ city }) => {
      record('book_viewing', { city });
      return { content: [{ type: 'text', text: JSON.stringify({ city, booked: true }) }] };
    },
  );
  server.registerTool(
    'delete_listing',
    {
      description: 'Delete a property listing in a city',
      inputSchema: { city: z.string().describe('the city of the listing') },
    },
    ({ city }) => {
      record('delete_listing', { city });
      return { content: [{ type: 'text', text: 'deleted' }] };
    },
  );
  return server;
}

/** Starts the server on 127.0.0.1 with a free port; it requires `authorization`. */
export async function startTestMcpServer(authorization: string): Promise<TestMcpServer> {
  const calls: TestMcpServer['calls'] = [];
  const http = createServer((req, res) => {
    if (req.headers.authorization !== authorization) {
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
  });
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
