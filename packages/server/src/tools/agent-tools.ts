/** The tools one agent version can call: built-ins and webhooks run here, plus browser tools. */
import type { AgentConfig } from '../schemas.js';
import type { Tool } from '@parley/core';
import type { Store } from '../storage/store.js';
import { builtinTools } from './builtin-tools.js';
import type { ServerTool } from './types.js';
import { webhookTool } from './webhook-tool.js';
import type { UrlGuard } from './url-guard.js';

/** Server tools and the function definitions the model sees, for one agent config. */
export async function agentTools(
  store: Store,
  config: AgentConfig,
  guard: UrlGuard,
): Promise<{ serverTools: Map<string, ServerTool>; definitions: Tool[] }> {
  const serverTools = new Map<string, ServerTool>();
  const custom = new Map(
    (await store.tools.toolsByName(config.tools)).map((tool) => [tool.name, tool]),
  );
  for (const name of config.tools) {
    const builtin = builtinTools.get(name);
    const record = custom.get(name);
    if (builtin) serverTools.set(name, builtin);
    else if (record) serverTools.set(name, webhookTool(record, guard));
  }
  const definitions: Tool[] = [...serverTools.values()].map((tool) => ({
    type: 'function',
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters,
  }));
  for (const tool of config.clientTools) {
    if (!serverTools.has(tool.name)) {
      definitions.push({
        type: 'function',
        name: tool.name,
        description: tool.description,
        parameters: tool.parameters,
      });
    }
  }
  return { serverTools, definitions };
}
