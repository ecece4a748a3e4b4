// What each protocol family can carry, declared by its adapter (`PROTOCOL_CAPABILITIES` in
// ./table.ts is the one table; the machine, the session and an app read it through
// `snapshot.capabilities`). A fourth family (Gemini Live, xAI) adds
// a row here, an adapter beside ./live.ts and an emulator dialect: see docs/design.md.

import type { ProtocolCapabilities, ProtocolFamily } from '../../types.js';

export type { ProtocolCapabilities, ProtocolFamily };

const realtime = {
  turnTaking: 'client_or_server_vad',
  createResponse: true,
  cancelResponse: true,
  truncate: true,
  commitAudio: true,
  updateSession: true,
  appendContext: false,
  fork: false,
  billing: 'tokens',
  transports: ['websocket', 'webrtc', 'sip'],
} as const;

/** The capabilities of the Realtime families (GPT-Live's are in ./live.ts, loaded with it). */
export const REALTIME_CAPABILITIES: Readonly<
  Record<'realtime-ga' | 'realtime-beta', ProtocolCapabilities>
> = {
  'realtime-ga': { family: 'realtime-ga', ...realtime },
  'realtime-beta': { family: 'realtime-beta', ...realtime },
};
