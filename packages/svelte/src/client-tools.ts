// Client tools a Svelte binding registers on its session: those given in options for the life of
// the binding, and those a component registers for its own life.
import { onDestroy } from 'svelte';
import type { ToolDefinition, VoiceSession } from '@parley/core';
import type { Lifetime } from './containers.js';

/** A client tool as accepted by `VoiceSession.registerTool` (build one with core's `defineTool`). */
export type ClientTool = ToolDefinition<never, unknown>;

/** Runs `cleanup` when the current component is destroyed; false outside component initialisation. */
export function onComponentDestroy(cleanup: () => void): boolean {
  try {
    onDestroy(cleanup);
    return true;
  } catch {
    // Not inside a component's initialisation (a module-level singleton, a test, a load function).
    return false;
  }
}

/**
 * Registers `tools` at once and returns `registerTool`: its tools are unregistered by the returned
 * function (safe to call twice), by the destruction of the component that registered them, or
 * when `lifetime` ends.
 */
export function createToolRegistry(
  session: VoiceSession,
  tools: readonly ClientTool[],
  lifetime: Lifetime,
): (tool: ClientTool) => () => void {
  for (const tool of tools) lifetime.hold(session.registerTool(tool));
  return (tool) => {
    const release = lifetime.hold(session.registerTool(tool));
    onComponentDestroy(release);
    return release;
  };
}
