// Remote MCP servers an agent attaches (Realtime `tools[]` entries with `type: "mcp"`).
import { z } from 'zod';

/** An MCP server label as the API takes it (`server_label`): letters, digits, `_` and `-`. */
export const mcpLabelSchema = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'letters, digits, "_" or "-", 1 to 64 characters');

/** An MCP tool name (the MCP specification: 1 to 128 of letters, digits, `_`, `-` and `.`). */
export const mcpToolNameSchema = z
  .string()
  .regex(/^[a-zA-Z0-9_.-]{1,128}$/, 'an MCP tool name: letters, digits, "_", "-" or "."');

/** Headers the connection sets itself: an agent may not send its own. */
const reservedHeaders = new Set([
  'host',
  'connection',
  'content-length',
  'content-type',
  'transfer-encoding',
  'accept',
  'mcp-session-id',
  'mcp-protocol-version',
]);

/** An HTTP header name (an RFC 9110 token), not one the connection sets itself. */
export const mcpHeaderNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'an HTTP header name such as Authorization')
  .refine((name) => !reservedHeaders.has(name.toLowerCase()), 'set by the connection itself');

/**
 * One secret header sent to the MCP server (`Authorization: Bearer …`). The value is write-only:
 * the server stores it and answers `{ name, set: true }` in its place, never the value. Saving a
 * header without `value` keeps the value saved for that server and header name.
 */
export const mcpHeaderSchema = z.strictObject({
  name: mcpHeaderNameSchema,
  /** The secret value; omit it to keep the saved one. */
  value: z
    .string()
    .min(1, 'a value, or leave it out to keep the saved one')
    .max(4096)
    .regex(/^[^\r\n\0]*$/, 'a single line (no line breaks)')
    .optional(),
  /** Present (true) in what the server returns: a value is saved. Ignored on the way in. */
  set: z.literal(true).optional(),
});
/** See {@link mcpHeaderSchema}. */
export type McpHeader = z.infer<typeof mcpHeaderSchema>;

const toolList = z.array(mcpToolNameSchema).max(100);

/**
 * When the upstream asks before an MCP call (`require_approval`): `never`, `always` (the API's
 * default), or per tool: `{ always: [...], never: [...] }` (a tool in neither list is asked for).
 */
export const mcpApprovalSchema = z.union([
  z.enum(['never', 'always']),
  z.strictObject({ always: toolList.default([]), never: toolList.default([]) }),
]);
/** See {@link mcpApprovalSchema}. */
export type McpApproval = z.infer<typeof mcpApprovalSchema>;

/**
 * A remote MCP server of an agent. The relay gives it to the model with the secret headers, and
 * answers each approval request itself: tools on `approvedTools` are approved, any other is
 * refused (an anonymous visitor never decides). See the server README, "MCP servers".
 */
export const mcpServerSchema = z.strictObject({
  /** Names the server to the model (`server_label`); unique within the agent. */
  label: mcpLabelSchema,
  /** The server's streamable HTTP endpoint; it may not reach an internal address. */
  url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).max(2000),
  /** What the server is for, told to the model (`server_description`); empty: nothing sent. */
  description: z.string().max(1000).default(''),
  /** The server's tools the model may use (`allowed_tools`); null: all of them. */
  allowedTools: toolList.nullable().default(null),
  /** When the upstream asks for approval before a call (`require_approval`). */
  requireApproval: mcpApprovalSchema.default('never'),
  /** Tools the relay approves when asked; every other approval request is refused. */
  approvedTools: toolList.default([]),
  /** Secret headers (see {@link mcpHeaderSchema}); at most 8, names unique ignoring case. */
  headers: z
    .array(mcpHeaderSchema)
    .max(8)
    .default([])
    .refine(
      (headers) =>
        new Set(headers.map((header) => header.name.toLowerCase())).size === headers.length,
      'each header name once',
    ),
});
/** A validated MCP server of an agent. */
export type McpServerConfig = z.infer<typeof mcpServerSchema>;

/** An agent's MCP servers: at most 8, labels unique. */
export const mcpServersSchema = z
  .array(mcpServerSchema)
  .max(8)
  .default([])
  .superRefine((servers, context) => {
    const seen = new Set<string>();
    servers.forEach((server, index) => {
      if (seen.has(server.label))
        context.addIssue({
          code: 'custom',
          path: [index, 'label'],
          message: `another MCP server is labelled "${server.label}"`,
        });
      seen.add(server.label);
    });
  });

/** The config with every MCP header value replaced by `set: true` (what the admin API returns). */
export function maskMcpSecrets<Config extends { mcpServers: McpServerConfig[] }>(
  config: Config,
): Config {
  if (config.mcpServers.length === 0) return config;
  return {
    ...config,
    mcpServers: config.mcpServers.map((server) => ({
      ...server,
      headers: server.headers.map((header) => ({ name: header.name, set: true as const })),
    })),
  };
}
