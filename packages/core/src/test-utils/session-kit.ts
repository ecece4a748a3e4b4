// Shared setup for the session tests: a session on fake ports and builders for server events.
import { FakeAudioPort } from './fake-audio-port.js';
import { FakeClock } from './fake-clock.js';
import { FakeTransport } from './fake-transport.js';
import type { Credentials } from '../ports.js';
import type { VoiceSessionOptions } from '../session/types.js';
import { createVoiceSession } from '../session/voice-session.js';

/** Lets promise callbacks (credentials, tools, flush) run, without any timer. */
export async function settle(): Promise<void> {
  for (let round = 0; round < 20; round++) await Promise.resolve();
}

/** base64 of `samples` samples of PCM16 silence. */
export function pcmBase64(samples: number): string {
  return Buffer.from(new Int16Array(samples).buffer).toString('base64');
}

let eventCounter = 0;
const eventId = () => `event_${++eventCounter}`;

/** Builders for GA server events, with realistic shapes. */
export const server = {
  sessionCreated: (session: Record<string, unknown> = {}) => ({
    type: 'session.created',
    event_id: eventId(),
    session: {
      type: 'realtime',
      object: 'realtime.session',
      id: 'sess_test',
      model: 'gpt-realtime',
      ...session,
    },
  }),
  sessionUpdated: (session: Record<string, unknown> = {}) => ({
    type: 'session.updated',
    event_id: eventId(),
    session: {
      type: 'realtime',
      object: 'realtime.session',
      id: 'sess_test',
      model: 'gpt-realtime',
      ...session,
    },
  }),
  speechStarted: (itemId: string) => ({
    type: 'input_audio_buffer.speech_started',
    event_id: eventId(),
    audio_start_ms: 1000,
    item_id: itemId,
  }),
  speechStopped: (itemId: string) => ({
    type: 'input_audio_buffer.speech_stopped',
    event_id: eventId(),
    audio_end_ms: 2000,
    item_id: itemId,
  }),
  userItem: (itemId: string, previous: string | null = null) => ({
    type: 'conversation.item.added',
    event_id: eventId(),
    previous_item_id: previous,
    item: {
      id: itemId,
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio', transcript: null }],
    },
  }),
  responseCreated: (responseId: string) => ({
    type: 'response.created',
    event_id: eventId(),
    response: {
      object: 'realtime.response',
      id: responseId,
      status: 'in_progress',
      output: [],
      conversation_id: 'conv_1',
      usage: null,
    },
  }),
  assistantItem: (responseId: string, itemId: string, outputIndex = 0) => ({
    type: 'response.output_item.added',
    event_id: eventId(),
    response_id: responseId,
    output_index: outputIndex,
    item: { id: itemId, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
  }),
  audioPart: (responseId: string, itemId: string) => ({
    type: 'response.content_part.added',
    event_id: eventId(),
    response_id: responseId,
    item_id: itemId,
    output_index: 0,
    content_index: 0,
    part: { type: 'audio', transcript: '' },
  }),
  transcriptDelta: (responseId: string, itemId: string, delta: string) => ({
    type: 'response.output_audio_transcript.delta',
    event_id: eventId(),
    response_id: responseId,
    item_id: itemId,
    output_index: 0,
    content_index: 0,
    delta,
  }),
  audioDelta: (responseId: string, itemId: string, samples: number) => ({
    type: 'response.output_audio.delta',
    event_id: eventId(),
    response_id: responseId,
    item_id: itemId,
    output_index: 0,
    content_index: 0,
    delta: pcmBase64(samples),
  }),
  audioDone: (responseId: string, itemId: string) => ({
    type: 'response.output_audio.done',
    event_id: eventId(),
    response_id: responseId,
    item_id: itemId,
    output_index: 0,
    content_index: 0,
  }),
  assistantItemDone: (
    responseId: string,
    itemId: string,
    transcript: string,
    status = 'completed',
  ) => ({
    type: 'response.output_item.done',
    event_id: eventId(),
    response_id: responseId,
    output_index: 0,
    item: {
      id: itemId,
      type: 'message',
      status,
      role: 'assistant',
      content: [{ type: 'output_audio', transcript }],
    },
  }),
  functionCall: (
    responseId: string,
    itemId: string,
    callId: string,
    name: string,
    args: string,
    outputIndex = 0,
  ) => [
    {
      type: 'response.output_item.added',
      event_id: eventId(),
      response_id: responseId,
      output_index: outputIndex,
      item: {
        id: itemId,
        type: 'function_call',
        status: 'in_progress',
        name,
        call_id: callId,
        arguments: '',
      },
    },
    {
      type: 'response.function_call_arguments.delta',
      event_id: eventId(),
      response_id: responseId,
      item_id: itemId,
      output_index: outputIndex,
      call_id: callId,
      delta: args,
    },
    {
      type: 'response.function_call_arguments.done',
      event_id: eventId(),
      response_id: responseId,
      item_id: itemId,
      output_index: outputIndex,
      call_id: callId,
      arguments: args,
    },
    {
      type: 'response.output_item.done',
      event_id: eventId(),
      response_id: responseId,
      output_index: outputIndex,
      item: {
        id: itemId,
        type: 'function_call',
        status: 'completed',
        name,
        call_id: callId,
        arguments: args,
      },
    },
  ],
  responseDone: (
    responseId: string,
    status = 'completed',
    usage: Record<string, unknown> | null = null,
  ) => ({
    type: 'response.done',
    event_id: eventId(),
    response: {
      object: 'realtime.response',
      id: responseId,
      status,
      status_details:
        status === 'cancelled' ? { type: 'cancelled', reason: 'turn_detected' } : null,
      output: [],
      conversation_id: 'conv_1',
      usage,
    },
  }),
  error: (code: string, message: string, clientEventId: string | null = null) => ({
    type: 'error',
    event_id: eventId(),
    error: { type: 'invalid_request_error', code, message, param: null, event_id: clientEventId },
  }),
};

/** A session on fake ports, with the fakes and a credentials spy. */
export function createTestSession(options: Partial<VoiceSessionOptions> = {}) {
  const clock = new FakeClock();
  const transport = new FakeTransport({ autoOpen: true });
  const audio = new FakeAudioPort();
  const credentialCalls: number[] = [];
  const internalErrors: unknown[] = [];
  let randomValue = 0.5;
  const session = createVoiceSession({
    credentials: ({ attempt }) => {
      credentialCalls.push(attempt);
      const credentials: Credentials = {
        url: `wss://relay.test/api/realtime?n=${credentialCalls.length}`,
        protocols: ['realtime', `parley-ticket.t${credentialCalls.length}`],
      };
      return Promise.resolve(credentials);
    },
    transport,
    audio,
    clock,
    random: () => randomValue,
    onInternalError: (error) => internalErrors.push(error),
    ...options,
  });
  return {
    session,
    clock,
    transport,
    audio,
    credentialCalls,
    internalErrors,
    setRandom(value: number) {
      randomValue = value;
    },
    /** Connects and answers with `session.created` (and `session.updated` if config was sent). */
    async connect(sessionFields: Record<string, unknown> = {}) {
      const connected = session.connect();
      await settle();
      transport.receive(server.sessionCreated(sessionFields));
      if (transport.sentOf('session.update').length > 0) {
        transport.receive(server.sessionUpdated(sessionFields));
      }
      await connected;
    },
  };
}
