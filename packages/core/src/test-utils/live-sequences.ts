import type { LiveClientEvent, LiveServerEvent } from '../protocol/index.js';

// The event sequences of the GPT-Live reference (shared/reference/live-protocol.md §6), written
// out as wire events: what core's Live adapter and session are tested on, and what the emulator's
// Live dialect reproduces. Ids, times and texts follow the reference's examples and captures;
// where it elides (`…`), plausible values of the same shape are filled in. Typed against core's
// Live vocabulary, so a sequence that drifts from the wire types fails to compile.

/** One step: who sent it and the event as it travels. */
export type LiveSequenceStep =
  { from: 'client'; event: LiveClientEvent } | { from: 'server'; event: LiveServerEvent };

/** A named sequence with the reference section it comes from. */
export interface LiveSequence {
  name: string;
  /** Where it comes from in live-protocol.md. */
  source: string;
  steps: LiveSequenceStep[];
}

const sessionId = 'live_u7_EWIVap3oNAAt9nps5I21D6HuuKiHPzMQ';

/** The resolved session of the reference's real capture (§3.8), client delegation. */
export const liveSessionResource = {
  id: sessionId,
  expires_at: 1791373550,
  model: 'gpt-live-1',
  instructions: 'You are a calm support voice for Example Co.',
  audio: { output: { voice: 'marin' }, format: { type: 'audio/pcm', rate: 24000 } },
  delegation: { type: 'client' },
  status: 'active',
  input: [],
} satisfies Extract<LiveServerEvent, { type: 'session.started' }>['session'];

/** The same session with Responses delegation and one function tool (§3.1). */
export const liveResponsesSessionResource = {
  ...liveSessionResource,
  delegation: {
    type: 'responses',
    responses: {
      model: 'gpt-5.6-luna',
      instructions: 'Use the order tools. Return verified status only.',
      tools: [
        {
          type: 'function',
          name: 'get_order',
          description: 'Look up an order by id.',
          parameters: {
            type: 'object',
            properties: { order_id: { type: 'string' } },
            required: ['order_id'],
            additionalProperties: false,
          },
          strict: true,
        },
      ],
    },
  },
} satisfies Extract<LiveServerEvent, { type: 'session.started' }>['session'];

const client = (event: LiveClientEvent): LiveSequenceStep => ({ from: 'client', event });
const server = (event: LiveServerEvent): LiveSequenceStep => ({ from: 'server', event });

/** A 100 ms output delta of silence (PCM16 24 kHz: 4,800 zero bytes), as the primary sends. */
export const silentOutputDelta = 'A'.repeat(6400);

const started = (session: Extract<LiveServerEvent, { type: 'session.started' }>['session']) => [
  client({
    type: 'session.start',
    event_id: 'evt_start_1',
    session: {
      model: session.model,
      instructions: session.instructions,
      audio: { output: { voice: 'marin' } },
      delegation: session.delegation,
    },
  }),
  server({
    type: 'session.started',
    event_id: 'event_EWIVaopSUITWmB1Z9iwyz',
    client_event_id: 'evt_start_1',
    session,
  }),
];

const input = (id: string, delta: string, start_ms: number, end_ms: number) =>
  server({ type: 'session.input_transcript.delta', event_id: id, delta, start_ms, end_ms });
const output = (id: string, delta: string, start_ms: number, end_ms: number) =>
  server({ type: 'session.output_transcript.delta', event_id: id, delta, start_ms, end_ms });
const audio = () => server({ type: 'session.output_audio.delta', delta: silentOutputDelta });

/** §6.1: startup and a spoken exchange on the primary WebSocket. */
export const startupAndExchange: LiveSequence = {
  name: 'startup-and-exchange',
  source: '§6.1',
  steps: [
    ...started(liveSessionResource),
    client({ type: 'session.input_audio.append', audio: 'AACAAIAAAIAAAP9/AIAAgA==' }),
    audio(),
    input('event_t1', 'Please check', 600, 900),
    input('event_t2', ' my order', 900, 1300),
    audio(),
    output('event_t3', ' Sure,', 4700, 5000),
    output('event_t4', ' one moment.', 5000, 5600),
    server({
      type: 'session.usage.updated',
      event_id: 'event_usage_1',
      usage: { seconds: 15 },
      context_window: { usage_ratio: 0.02 },
    }),
  ],
};

/** §6.2: the user talks over the model; no event marks it, the output transcript just stops. */
export const bargeIn: LiveSequence = {
  name: 'barge-in',
  source: '§6.2',
  steps: [
    ...started(liveSessionResource),
    input('event_b1', 'What about tomorrow?', 6000, 7200),
    output('event_b2', ' The forecast for tomorrow is', 8000, 9600),
    input('event_b3', ' wait, actually', 9400, 9900),
    output('event_b4', ' Okay,', 10900, 11100),
    output('event_b5', ' go ahead.', 11100, 11600),
  ],
};

/** §6.3: client delegation, captured 2026-10-07. */
export const clientDelegation: LiveSequence = {
  name: 'client-delegation',
  source: '§6.3',
  steps: [
    ...started(liveSessionResource),
    client({
      type: 'session.instructions.append',
      event_id: 'greet_1',
      delegation_id: null,
      content: 'Greet the caller, then listen.',
    }),
    server({
      type: 'session.instructions.appended',
      event_id: 'event_ack_1',
      client_event_id: 'greet_1',
      start_ms: 1300,
      end_ms: 1400,
    }),
    input('event_c1', 'Is staging healthy?', 3100, 4500),
    server({
      type: 'session.delegation.created',
      event_id: 'event_d1',
      offset_ms: 4600,
      delegation: { id: 'item_9tA2bF3h7K9m2P5q8R1s4', type: 'delegation', target: 'client' },
    }),
    client({
      type: 'session.thinking.append',
      event_id: 'ctx_1',
      delegation_id: 'item_9tA2bF3h7K9m2P5q8R1s4',
      content: 'Checking the deployment.',
    }),
    client({
      type: 'session.commentary.append',
      event_id: 'res_1',
      delegation_id: 'item_9tA2bF3h7K9m2P5q8R1s4',
      content: 'Staging is healthy.',
    }),
    server({
      type: 'session.thinking.appended',
      event_id: 'event_ack_2',
      client_event_id: 'ctx_1',
      start_ms: 5200,
      end_ms: 5200,
    }),
    server({
      type: 'session.commentary.appended',
      event_id: 'event_ack_3',
      client_event_id: 'res_1',
      start_ms: 5200,
      end_ms: 5400,
    }),
    output('event_c2', ' Staging is healthy.', 5400, 6800),
  ],
};

const delegationId = 'item_ENQCUyla2TB9mFPFUmDHi';
const callId = 'call_ydaLTWADFkH6AtEXUxsfdltF';
const fcId = 'fc_0135f681a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5';
const nested = (id: string, event: Record<string, unknown>) =>
  server({ type: 'response.event', event_id: id, delegation_id: delegationId, event });
const trimmed = (id: string, status: string, usage?: Record<string, number>) => ({
  id,
  object: 'response',
  status,
  output: [],
  tools: [],
  instructions: null,
  ...(usage ? { usage } : {}),
});

/** §6.4: Responses delegation with a client-side function call, then the continuation. */
export const responsesDelegation: LiveSequence = {
  name: 'responses-delegation',
  source: '§6.4',
  steps: [
    ...started(liveResponsesSessionResource),
    input('event_r1', 'Where is my order A0042?', 1000, 2400),
    server({
      type: 'session.delegation.created',
      event_id: 'event_d2',
      offset_ms: 2600,
      delegation: {
        id: delegationId,
        type: 'delegation',
        target: 'responses',
        response_id: 'resp_1',
      },
    }),
    nested('event_n1', {
      type: 'response.created',
      response: trimmed('resp_1', 'in_progress'),
      sequence_number: 0,
    }),
    nested('event_n2', {
      type: 'response.in_progress',
      response: trimmed('resp_1', 'in_progress'),
      sequence_number: 1,
    }),
    nested('event_n3', {
      type: 'response.output_item.added',
      item: {
        id: fcId,
        type: 'function_call',
        status: 'in_progress',
        arguments: '',
        call_id: callId,
        name: 'get_order',
      },
      output_index: 0,
      sequence_number: 2,
    }),
    nested('event_n4', {
      type: 'response.function_call_arguments.delta',
      delta: '{"order_id":',
      item_id: fcId,
      output_index: 0,
      sequence_number: 3,
    }),
    nested('event_n5', {
      type: 'response.function_call_arguments.delta',
      delta: '"A0042"}',
      item_id: fcId,
      output_index: 0,
      sequence_number: 4,
    }),
    nested('event_n6', {
      type: 'response.function_call_arguments.done',
      arguments: '{"order_id":"A0042"}',
      item_id: fcId,
      output_index: 0,
      sequence_number: 5,
    }),
    nested('event_n7', {
      type: 'response.output_item.done',
      item: {
        id: fcId,
        type: 'function_call',
        status: 'completed',
        arguments: '{"order_id":"A0042"}',
        call_id: callId,
        name: 'get_order',
      },
      output_index: 0,
      sequence_number: 6,
    }),
    nested('event_n8', {
      type: 'response.completed',
      response: trimmed('resp_1', 'completed', {
        input_tokens: 120,
        output_tokens: 18,
        total_tokens: 138,
      }),
      sequence_number: 7,
    }),
    output('event_r2', ' Let me check that.', 2800, 3600),
    client({
      type: 'response.item.create',
      event_id: 'tool_1',
      item: { type: 'function_call_output', call_id: callId, output: '{"status":"shipped"}' },
    }),
    client({ type: 'response.create', event_id: 'cont_1' }),
    nested('event_n9', {
      type: 'response.created',
      response: trimmed('resp_2', 'in_progress'),
      sequence_number: 0,
    }),
    nested('event_n10', {
      type: 'response.output_text.delta',
      delta: 'Your order shipped today.',
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      sequence_number: 1,
    }),
    nested('event_n11', {
      type: 'response.completed',
      response: trimmed('resp_2', 'completed', {
        input_tokens: 160,
        output_tokens: 9,
        total_tokens: 169,
      }),
      sequence_number: 2,
    }),
    output('event_r3', ' Your order shipped today.', 4400, 5900),
  ],
};

/** §6.5: typed input under Responses delegation. */
export const typedInput: LiveSequence = {
  name: 'typed-input',
  source: '§6.5',
  steps: [
    ...started(liveResponsesSessionResource),
    client({
      type: 'response.item.create',
      event_id: 'typed_1',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'Order A0042' }],
      },
    }),
    client({ type: 'response.create', event_id: 'ask_1' }),
    server({
      type: 'session.delegation.created',
      event_id: 'event_d3',
      client_event_id: 'ask_1',
      offset_ms: 1200,
      delegation: {
        id: 'item_ENOyA2AApz1ePY8UFCDIw',
        type: 'delegation',
        target: 'responses',
        response_id: 'resp_3',
      },
    }),
  ],
};

/** §6.7: mute and unmute, acknowledged. */
export const muteUnmute: LiveSequence = {
  name: 'mute-unmute',
  source: '§6.7',
  steps: [
    ...started(liveSessionResource),
    client({ type: 'session.input_audio.mute', event_id: 'm1' }),
    server({ type: 'session.input_audio.muted', event_id: 'event_ack_8', client_event_id: 'm1' }),
    client({ type: 'session.input_audio.unmute', event_id: 'm2' }),
    server({ type: 'session.input_audio.unmuted', event_id: 'event_ack_9', client_event_id: 'm2' }),
  ],
};

/** §6.9: `session.close` with an append still pending, then the final usage. */
export const closeRequested: LiveSequence = {
  name: 'close-requested',
  source: '§6.9',
  steps: [
    ...started(liveSessionResource),
    client({
      type: 'session.thinking.append',
      event_id: 'ctx_9',
      delegation_id: null,
      content: 'The caller is a verified customer.',
    }),
    client({ type: 'session.close', event_id: 'close_1' }),
    server({
      type: 'error',
      event_id: 'event_err_1',
      error: {
        type: 'invalid_request_error',
        code: 'context_injection_incomplete',
        message: 'The append was not injected before the session closed.',
        client_event_id: 'ctx_9',
      },
    }),
    server({
      type: 'session.closed',
      event_id: 'event_ENOyNXoVEuKQV2BXwf0YH',
      reason: 'close_requested',
      usage: { seconds: 45.8 },
      client_event_id: 'close_1',
      session: liveSessionResource,
    }),
  ],
};

/** §6.9: the other reasons a session ends, as the server sends them unprompted. */
export const closedFor = (
  reason: string,
  seconds = 31,
): Extract<LiveServerEvent, { type: 'session.closed' }> => ({
  type: 'session.closed',
  event_id: `event_closed_${reason}`,
  reason,
  usage: { seconds },
  session: liveSessionResource,
});

/** Every sequence above, by name. */
export const liveSequences: readonly LiveSequence[] = [
  startupAndExchange,
  bargeIn,
  clientDelegation,
  responsesDelegation,
  typedInput,
  muteUnmute,
  closeRequested,
];
