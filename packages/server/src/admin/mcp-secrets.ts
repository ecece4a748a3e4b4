/**
 * The write-only header values of an agent's MCP servers, on the admin's side: a saved config
 * keeps the value of a header sent back without one, and what the admin API answers carries
 * `{ name, set: true }` in place of every value.
 */
import { HttpError } from '../http/errors.js';
import { maskMcpSecrets } from '../schemas.js';
import type { AgentConfig, AgentDetail, AgentVersion } from '../schemas.js';
import type { UrlGuard } from '../tools/url-guard.js';
import { refuseInternalUrl } from './outbound-url-check.js';

/** The saved value of header `name` (any case) of the server `label`, newest version first. */
function savedValue(
  saved: readonly AgentConfig[],
  label: string,
  name: string,
): string | undefined {
  const lower = name.toLowerCase();
  for (const config of saved) {
    const server = config.mcpServers.find((entry) => entry.label === label);
    const header = server?.headers.find((entry) => entry.name.toLowerCase() === lower);
    if (header?.value !== undefined) return header.value;
  }
  return undefined;
}

/**
 * `config` as stored: each MCP header without a value takes the value saved for the same server
 * label and header name (`saved`: the agent's versions, newest first). A header with nothing
 * saved is refused with a 400 naming it; nothing is stored then.
 */
export function keepSavedMcpSecrets(
  config: AgentConfig,
  saved: readonly AgentConfig[],
): AgentConfig {
  if (config.mcpServers.length === 0) return config;
  const issues: { path: (string | number)[]; message: string }[] = [];
  const mcpServers = config.mcpServers.map((server, serverIndex) => ({
    ...server,
    headers: server.headers.map((header, headerIndex) => {
      const value = header.value ?? savedValue(saved, server.label, header.name);
      if (value === undefined)
        issues.push({
          path: ['config', 'mcpServers', serverIndex, 'headers', headerIndex, 'value'],
          message: `a value for the header "${header.name}" (none is saved for it)`,
        });
      return { name: header.name, value: value ?? '' };
    }),
  }));
  if (issues.length > 0)
    throw new HttpError(400, 'invalid_request', 'the request did not validate', issues);
  return { ...config, mcpServers };
}

/** Refuses an MCP server URL that reaches an internal address (400 naming the server). */
export async function refuseInternalMcpUrls(
  urlGuard: UrlGuard,
  config: AgentConfig,
): Promise<void> {
  for (const [index, server] of config.mcpServers.entries())
    await refuseInternalUrl(urlGuard, server.url, ['config', 'mcpServers', index, 'url']);
}

/** A version as the admin API returns it: MCP header values masked. */
export function maskedVersion(version: AgentVersion): AgentVersion {
  return { ...version, config: maskMcpSecrets(version.config) };
}

/** An agent's detail as the admin API returns it: MCP header values masked. */
export function maskedDetail(detail: AgentDetail): AgentDetail {
  return { ...detail, versions: detail.versions.map(maskedVersion) };
}
