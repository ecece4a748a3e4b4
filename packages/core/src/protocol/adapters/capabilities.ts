// What each protocol family can carry, declared by its adapter (one table, read by the machine,
// the session and an app through `snapshot.capabilities`). A fourth family (Gemini Live, xAI) adds
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
  billing: 'tokens',
  transports: ['websocket', 'webrtc', 'sip'],
} as const;

/** The capabilities of every family. */
export const PROTOCOL_CAPABILITIES: Readonly<Record<ProtocolFamily, ProtocolCapabilities>> = {
  'realtime-ga': { family: 'realtime-ga', ...realtime },
  'realtime-beta': { family: 'realtime-beta', ...realtime },
  live: {
    family: 'live',
    turnTaking: 'model',
    // `response.create` exists on Live only to continue a Responses delegation: no spoken reply.
    createResponse: false,
    cancelResponse: false,
    truncate: false,
    commitAudio: false,
    updateSession: false,
    billing: 'seconds',
    transports: ['websocket', 'webrtc', 'sip'],
  },
};
