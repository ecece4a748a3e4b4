// The protocol families with an adapter, one row each: the Realtime families have none (the
// machine reads their events itself), every other family loads as its own chunk on its first
// connection. A new family adds its row here (see ./family-runtime.ts and docs/design.md).
import type { ProtocolFamily } from '../protocol/index.js';
import type { FamilyRuntime } from './family-runtime.js';

const RUNTIMES: Partial<Record<ProtocolFamily, () => Promise<FamilyRuntime>>> = {
  live: () => import('./live-runtime.js').then((module) => module.liveRuntime),
};

/** Loads the runtime of `protocol`; null for a family without an adapter (Realtime). */
export function loadFamilyRuntime(protocol: string | undefined): Promise<FamilyRuntime> | null {
  if (protocol === undefined || !Object.hasOwn(RUNTIMES, protocol)) return null;
  return RUNTIMES[protocol as ProtocolFamily]?.() ?? null;
}
