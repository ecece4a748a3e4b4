// The conversation machine on a synthetic 60-minute voice conversation: reducer throughput
// (events/s) and heap after 10 and after 60 minutes, against a naive reducer of the kind demo apps
// write (an event log, transcripts grown by string concatenation, the item list copied per delta).
// Audio retention is off in the machine (it never keeps audio); the naive reducer keeps its event
// log, as the OpenAI realtime console does.
import v8 from 'node:v8';
import vm from 'node:vm';
import { initialState, reduce } from '../dist/index.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const TURN_MS = 20_000;
const AUDIO_CHUNK_MS = 100;
// 100 ms of 24 kHz PCM16 as base64 (4 800 bytes → 6 400 characters).
const audioChunk = Buffer.alloc(4800, 7).toString('base64');
const words =
  'so the thing about your billing question is that we can look at it together right now'.split(
    ' ',
  );

/**
 * The server and client events of `minutes` of conversation, turn after turn (20 s each): the user
 * speaks (with input transcription), the agent answers with ~10 s of audio and its transcript;
 * every 5th turn calls a tool, every 7th is cut off by the user (barge-in with truncation).
 */
export function* conversation(minutes, startTurn = 0) {
  const turns = Math.floor((minutes * 60_000) / TURN_MS);
  let at = startTurn * TURN_MS;
  let seq = startTurn * 1000;
  const id = (prefix) => `${prefix}_${(seq++).toString(36).padStart(21, '0')}`;
  const server = (event) => ({
    type: 'server',
    event: { event_id: id('event'), ...event },
    at: (at += 5),
    wallAt: 1_767_000_000_000 + at,
  });
  for (let turn = startTurn; turn < startTurn + turns; turn++) {
    at = turn * TURN_MS;
    const user = id('item');
    yield server({ type: 'input_audio_buffer.speech_started', audio_start_ms: at, item_id: user });
    at += 5000;
    yield server({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: at, item_id: user });
    yield server({ type: 'input_audio_buffer.committed', previous_item_id: null, item_id: user });
    const userItem = {
      id: user,
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio', transcript: null }],
    };
    yield server({ type: 'conversation.item.added', previous_item_id: null, item: userItem });
    yield server({ type: 'conversation.item.done', previous_item_id: null, item: userItem });
    const response = id('resp');
    yield server({
      type: 'response.created',
      response: {
        id: response,
        status: 'in_progress',
        output: [],
        conversation_id: 'conv_1',
        usage: null,
      },
    });
    let said = '';
    for (let word = 0; word < 12; word++) {
      const delta = `${words[(turn + word) % words.length]} `;
      said += delta;
      yield server({
        type: 'conversation.item.input_audio_transcription.delta',
        item_id: user,
        content_index: 0,
        delta,
      });
    }
    yield server({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: user,
      content_index: 0,
      transcript: said,
      usage: { type: 'duration', seconds: 5 },
    });
    const withTool = turn % 5 === 4;
    let answerResponse = response;
    if (withTool) {
      const call = id('item');
      const callId = id('call');
      const fnItem = {
        id: call,
        type: 'function_call',
        status: 'in_progress',
        name: 'lookup_account',
        call_id: callId,
        arguments: '',
      };
      yield server({
        type: 'response.output_item.added',
        response_id: response,
        output_index: 0,
        item: fnItem,
      });
      for (const piece of ['{"acc', 'ount":', '"A-', `${turn}"}`]) {
        yield server({
          type: 'response.function_call_arguments.delta',
          response_id: response,
          item_id: call,
          output_index: 0,
          call_id: callId,
          delta: piece,
        });
      }
      const args = `{"account":"A-${turn}"}`;
      yield server({
        type: 'response.function_call_arguments.done',
        response_id: response,
        item_id: call,
        output_index: 0,
        call_id: callId,
        arguments: args,
      });
      yield server({
        type: 'response.output_item.done',
        response_id: response,
        output_index: 0,
        item: { ...fnItem, status: 'completed', arguments: args },
      });
      yield server({
        type: 'response.done',
        response: {
          id: response,
          status: 'completed',
          output: [],
          conversation_id: 'conv_1',
          usage: {
            total_tokens: 900,
            input_tokens: 800,
            output_tokens: 100,
            input_token_details: {
              text_tokens: 500,
              audio_tokens: 300,
              cached_tokens: 256,
              cached_tokens_details: { text_tokens: 256, audio_tokens: 0 },
            },
            output_token_details: { text_tokens: 100, audio_tokens: 0 },
          },
        },
      });
      at += 300;
      yield { type: 'tool_result', callId, output: '{"balance":42}', error: null, at };
      answerResponse = id('resp');
      yield server({
        type: 'response.created',
        response: {
          id: answerResponse,
          status: 'in_progress',
          output: [],
          conversation_id: 'conv_1',
          usage: null,
        },
      });
    }
    const assistant = id('item');
    const assistantItem = {
      id: assistant,
      type: 'message',
      status: 'in_progress',
      role: 'assistant',
      content: [],
    };
    yield server({
      type: 'response.output_item.added',
      response_id: answerResponse,
      output_index: 0,
      item: assistantItem,
    });
    yield server({ type: 'conversation.item.added', previous_item_id: user, item: assistantItem });
    yield server({
      type: 'response.content_part.added',
      response_id: answerResponse,
      item_id: assistant,
      output_index: 0,
      content_index: 0,
      part: { type: 'audio', transcript: '' },
    });
    const ref = {
      response_id: answerResponse,
      item_id: assistant,
      output_index: 0,
      content_index: 0,
    };
    const bargeIn = turn % 7 === 6;
    const chunks = 100;
    let transcript = '';
    for (let chunk = 0; chunk < chunks; chunk++) {
      if (chunk % 2 === 0) {
        const delta = `${words[(turn * 3 + chunk) % words.length]} `;
        transcript += delta;
        yield server({ type: 'response.output_audio_transcript.delta', ...ref, delta });
      }
      yield server({ type: 'response.output_audio.delta', ...ref, delta: audioChunk });
      if (chunk === 2) yield { type: 'playback_started', itemId: assistant, at: (at += 1) };
    }
    if (bargeIn) {
      yield server({
        type: 'input_audio_buffer.speech_started',
        audio_start_ms: at,
        item_id: id('item'),
      });
      yield {
        type: 'playback_flushed',
        position: { itemId: assistant, playedSamples: 24_000 * 4, outputLatencyMs: 20 },
        at: (at += 2),
      };
      yield server({
        type: 'response.done',
        response: {
          id: answerResponse,
          status: 'cancelled',
          output: [],
          conversation_id: 'conv_1',
          usage: {
            input_tokens: 1200,
            output_tokens: 300,
            input_token_details: { text_tokens: 700, audio_tokens: 500 },
            output_token_details: { text_tokens: 60, audio_tokens: 240 },
          },
        },
      });
      yield server({
        type: 'conversation.item.truncated',
        item_id: assistant,
        content_index: 0,
        audio_end_ms: 3980,
      });
      yield server({
        type: 'input_audio_buffer.speech_stopped',
        audio_end_ms: at + 500,
        item_id: id('item'),
      });
      continue;
    }
    yield server({ type: 'response.output_audio.done', ...ref });
    yield server({ type: 'response.output_audio_transcript.done', ...ref, transcript });
    yield server({
      type: 'response.content_part.done',
      ...ref,
      part: { type: 'audio', transcript },
    });
    const done = {
      ...assistantItem,
      status: 'completed',
      content: [{ type: 'output_audio', transcript }],
    };
    yield server({
      type: 'response.output_item.done',
      response_id: answerResponse,
      output_index: 0,
      item: done,
    });
    yield server({ type: 'conversation.item.done', previous_item_id: user, item: done });
    yield server({
      type: 'response.done',
      response: {
        id: answerResponse,
        status: 'completed',
        output: [done],
        conversation_id: 'conv_1',
        usage: {
          input_tokens: 1200,
          output_tokens: 600,
          input_token_details: {
            text_tokens: 700,
            audio_tokens: 500,
            cached_tokens: 512,
            cached_tokens_details: { text_tokens: 512, audio_tokens: 0 },
          },
          output_token_details: { text_tokens: 120, audio_tokens: 480 },
        },
      },
    });
    yield server({
      type: 'rate_limits.updated',
      rate_limits: [{ name: 'tokens', limit: 1e6, remaining: 9e5, reset_seconds: 1 }],
    });
    at += 10_000;
    yield {
      type: 'playback_idle',
      position: { itemId: assistant, playedSamples: chunks * 2400, outputLatencyMs: 20 },
      at,
    };
  }
}

export function connectedMachine() {
  let state = initialState({
    config: { unhandledToolCalls: 'error' },
    tools: [{ type: 'function', name: 'lookup_account', parameters: { type: 'object' } }],
  });
  for (const event of [
    { type: 'connect', idPrefix: 'evt_', at: 0 },
    {
      type: 'credentials_ready',
      dialect: 'ga',
      serverRunsTools: false,
      model: 'gpt-realtime',
      at: 0,
    },
    { type: 'transport_open', at: 0 },
    {
      type: 'server',
      event: {
        type: 'session.created',
        event_id: 'e0',
        session: { type: 'realtime', id: 'sess_bench', model: 'gpt-realtime' },
      },
      at: 0,
      wallAt: 1_767_000_000_000,
    },
  ]) {
    state = reduce(state, event).state;
  }
  return state;
}

/** The naive reducer: every event logged, strings concatenated, the item list copied per delta. */
function naiveReduce(state, event) {
  // The log is appended in place (copying it per event would make the baseline quadratic).
  const log = state.log;
  log.push(event);
  if (event.type !== 'server') return { ...state, log };
  const e = event.event;
  const update = (itemId, change) =>
    state.items.some((item) => item.id === itemId)
      ? state.items.map((item) => (item.id === itemId ? { ...item, ...change(item) } : item))
      : [...state.items, { id: itemId, text: '', audio: [], ...change({ text: '', audio: [] }) }];
  switch (e.type) {
    case 'conversation.item.added':
      return { ...state, log, items: update(e.item.id, () => ({ role: e.item.role })) };
    case 'response.output_audio_transcript.delta':
    case 'conversation.item.input_audio_transcription.delta':
      return { ...state, log, items: update(e.item_id, (item) => ({ text: item.text + e.delta })) };
    case 'response.output_audio.delta':
      return {
        ...state,
        log,
        items: update(e.item_id, (item) => ({ audio: [...item.audio, e.delta] })),
      };
    default:
      return { ...state, log };
  }
}

function throughput(step, initial, minutes) {
  let state = initial;
  let events = 0;
  const started = performance.now();
  for (const event of conversation(minutes)) {
    state = step(state, event);
    events += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  return { eventsPerSecond: events / seconds, events, state };
}

function heapMb() {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/** Heap with the state of 10 minutes held, then with the state of 60 minutes held. */
function heapGrowth(step, initial) {
  let state = initial;
  const emptyMb = heapMb();
  for (const event of conversation(10)) state = step(state, event);
  const tenMb = heapMb();
  for (const event of conversation(50, 30)) state = step(state, event);
  const sixtyMb = heapMb();
  // Keep `state` alive until after the last measurement.
  return { emptyMb, tenMb, sixtyMb, items: (state.snapshot?.items ?? state.items).length };
}

export async function run() {
  const machineStep = (state, event) => reduce(state, event).state;
  // Warm up both, then measure them interleaved, three runs each, medians: a burst of load from
  // other processes then hits both alike instead of only the one that happened to be running.
  throughput(machineStep, connectedMachine(), 10);
  throughput(naiveReduce, { log: [], items: [] }, 1);
  const runs = [];
  const naiveRuns = [];
  for (let turn = 0; turn < 3; turn++) {
    runs.push(throughput(machineStep, connectedMachine(), 60));
    // Only the figure is kept: the naive state holds every event (tens of MB per run).
    const { eventsPerSecond } = throughput(naiveReduce, { log: [], items: [] }, 60);
    naiveRuns.push({ eventsPerSecond });
  }
  const median = (values) => values.sort((a, b) => a.eventsPerSecond - b.eventsPerSecond)[1];
  const machine = median(runs);
  const naive = median(naiveRuns);
  const snapshot = machine.state.snapshot;
  if (snapshot.items.length < 300 || snapshot.status !== 'connected') {
    throw new Error(
      `machine.bench: unexpected end state (${snapshot.items.length} items, ${snapshot.status})`,
    );
  }

  const machineHeap = heapGrowth(machineStep, connectedMachine());
  const naiveHeap = heapGrowth(naiveReduce, { log: [], items: [] });
  const growth = machineHeap.sixtyMb / machineHeap.tenMb;
  const retainedTen = machineHeap.tenMb - machineHeap.emptyMb;
  const retainedSixty = machineHeap.sixtyMb - machineHeap.emptyMb;
  console.error(
    `machine.bench: ${machine.events} events; ${machineHeap.items} items kept; ` +
      `retained state ${retainedTen.toFixed(2)} MB at 10 min, ${retainedSixty.toFixed(2)} MB at 60 min`,
  );
  return [
    {
      name: 'machine: reducer throughput, synthetic 60-min conversation',
      value: machine.eventsPerSecond,
      unit: 'events/s',
      baseline: 'naive reducer (event log, string concat, list copy per delta)',
      baselineValue: naive.eventsPerSecond,
      ratio: machine.eventsPerSecond / naive.eventsPerSecond,
      target: '>= 1x baseline',
      pass: machine.eventsPerSecond >= naive.eventsPerSecond,
    },
    {
      name: 'machine: heap after 10 min',
      value: machineHeap.tenMb,
      unit: 'MB',
      baseline: null,
      baselineValue: null,
      ratio: null,
      target: null,
      pass: null,
    },
    {
      name: 'machine: heap after 60 min (vs after 10 min)',
      value: machineHeap.sixtyMb,
      unit: 'MB',
      baseline: 'heap after 10 min',
      baselineValue: machineHeap.tenMb,
      ratio: growth,
      target: '< 1.5x growth',
      pass: growth < 1.5,
    },
    {
      name: 'naive reducer: heap after 60 min (vs after 10 min)',
      value: naiveHeap.sixtyMb,
      unit: 'MB',
      baseline: 'heap after 10 min',
      baselineValue: naiveHeap.tenMb,
      ratio: naiveHeap.sixtyMb / naiveHeap.tenMb,
      target: null,
      pass: null,
    },
  ];
}
