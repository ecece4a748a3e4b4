import { checkAudioFormat, decodeStrictBase64, decodeToLinear } from './audio-format.js';
import { buildClientItem, type ClientItemContext } from './client-items.js';
import { parseClientFrame } from './client-events.js';
import { Conversation, itemToWire, type StoredItem } from './conversation.js';
import {
  betaParam,
  betaSessionPatchToGa,
  eventToBeta,
  sessionToBeta,
  type Dialect,
} from './dialect.js';
import { EmulatorProtocolError, describeJsonType } from './errors.js';
import type { FaultOptions } from './faults.js';
import { createId, createObfuscation } from './ids.js';
import { InputAudioBuffer } from './input-buffer.js';
import type { ScriptedReply } from './responder.js';
import { defaultOverrides, parseResponseOverrides } from './response-overrides.js';
import { MAX_RETAINED_AUDIO_MS, ResponseStreams, type ResponseHost } from './response-stream.js';
import {
  applySessionPatch,
  createDefaultSession,
  sessionToGa,
  type SessionState,
} from './session-config.js';
import { OUTPUT_SAMPLE_RATE, type SpeechSynthesizer } from './speech.js';
import { audioTokens, textTokens } from './usage.js';
import { EnergyVad, semanticSilenceMs, type VadEvent } from './vad.js';

type Json = Record<string, unknown>;

/** Everything a connection needs from the server that accepted it. */
export interface ConnectionOptions {
  dialect: Dialect;
  model: string;
  /** `transcription` for `?intent=transcription`: VAD and transcripts, no responses. */
  intent: 'realtime' | 'transcription';
  /** Session fields baked into the client secret the client connected with. */
  initialSession?: Json;
  synthesizer: SpeechSynthesizer;
  /** How many times faster than real time audio is paced (Infinity: as fast as possible). */
  speechRate: number;
  /** Session cap; `session_expired` then close. */
  maxSessionMs: number;
  faults: FaultOptions;
  /** Send the documented (but in practice absent) `conversation.created` after `session.created`. */
  emitConversationCreated: boolean;
  /** Largest frame accepted; larger frames get an error event. */
  maxEventBytes: number;
  send(data: string): void;
  close(code: number, reason: string): void;
}

const MIN_COMMIT_MS = 100;
const MAX_MANUAL_BUFFER_MS = 15 * 60 * 1000;
const MAX_CONTROL_QUEUE = 100;

/**
 * One Realtime session over one socket: parses client events, keeps the session, the input
 * buffer with VAD and the conversation, and streams responses. It knows nothing about sockets
 * beyond `send` and `close`, so tests drive it directly.
 */
export class RealtimeConnection {
  private readonly options: ConnectionOptions;
  private session: SessionState;
  private readonly conversation: Conversation;
  private readonly buffer: InputAudioBuffer;
  private vad: EnergyVad | null = null;
  private pendingUserItemId: string | null = null;
  private readonly responses: ResponseStreams;
  private hasAssistantAudio = false;
  private readonly transcripts: string[] = [];
  private readonly scripted: ScriptedReply[] = [];
  private eventsSent = 0;
  private stalled = false;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(options: ConnectionOptions) {
    this.options = options;
    const now = Date.now();
    this.session = createDefaultSession({
      id: createId('sess', now),
      model: options.model,
      expiresAt: Math.floor((now + options.maxSessionMs) / 1000),
      type: options.intent,
    });
    if (options.initialSession) {
      const seeded = applySessionPatch(
        this.session,
        { ...options.initialSession, type: this.session.type, model: undefined },
        { hasAssistantAudio: false },
      );
      if (seeded.ok) this.session = seeded.session;
    }
    this.conversation = new Conversation(createId('conv', now));
    this.buffer = new InputAudioBuffer(this.session.audio.input.format);
    this.configureVad();
    this.responses = new ResponseStreams(this.responseHost());
  }

  private responseHost(): ResponseHost {
    return {
      dialect: this.options.dialect,
      conversation: this.conversation,
      synthesizer: this.options.synthesizer,
      session: () => this.session,
      emit: (event) => this.emit(event),
      sendError: (error, clientEventId) => this.sendError(error, clientEventId),
      emitItemAdded: (item, previous) => this.emitItemAdded(item, previous),
      paced: (ms) => this.paced(ms),
      takeScripted: () => this.scripted.shift(),
      onResponseStarted: () => this.clearIdleTimer(),
      onResponseCompleted: (audioMs) => this.armIdleTimer(audioMs),
      onAssistantAudio: () => {
        this.hasAssistantAudio = true;
      },
    };
  }

  /** Sends `session.created` and arms the session cap and the time-based faults. */
  start(): void {
    this.emit({ type: 'session.created', session: this.sessionObject() });
    if (this.options.emitConversationCreated) {
      this.emit({
        type: 'conversation.created',
        conversation: { id: this.conversation.id, object: 'realtime.conversation' },
      });
    }
    this.later(this.options.maxSessionMs, () => {
      const minutes = Math.round(this.options.maxSessionMs / 60000);
      this.sendError(
        new EmulatorProtocolError(
          'session_expired',
          `Your session hit the maximum duration of ${minutes} minute${minutes === 1 ? '' : 's'}.`,
        ),
        null,
      );
      this.shutdown(1000, 'session_expired');
    });
    const { closeAfterMs } = this.options.faults;
    if (closeAfterMs !== undefined) this.later(closeAfterMs, () => this.faultClose());
  }

  /** Stops every timer (the socket closed). */
  dispose(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.responses.dispose();
  }

  // ── Outgoing ──────────────────────────────────────────────────────────────────────────────

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) run();
    }, ms);
    this.timers.add(timer);
  }

  private emit(event: Json): void {
    if (this.closed || this.stalled) return;
    const { type, ...rest } = event;
    let wire: Json | null = { type, event_id: createId('event'), ...rest };
    if (this.options.dialect === 'beta') wire = eventToBeta(wire, this.session.temperature);
    if (!wire) return;
    const data = JSON.stringify(wire);
    const { delayMs } = this.options.faults;
    if (delayMs) this.later(delayMs, () => this.options.send(data));
    else this.options.send(data);
    this.afterEventSent();
  }

  private afterEventSent(): void {
    this.eventsSent++;
    const faults = this.options.faults;
    if (faults.errorAfterEvents !== undefined && this.eventsSent === faults.errorAfterEvents) {
      this.sendError(
        new EmulatorProtocolError(
          faults.errorCode ?? 'server_error',
          faults.errorMessage ??
            'The server had an error while processing your request. Sorry about that!',
          null,
          faults.errorType ?? 'server_error',
        ),
        null,
      );
    }
    if (faults.closeAfterEvents !== undefined && this.eventsSent >= faults.closeAfterEvents)
      this.faultClose();
    if (faults.stallAfterEvents !== undefined && this.eventsSent >= faults.stallAfterEvents)
      this.stalled = true;
  }

  private faultClose(): void {
    const { closeCode, closeReason, delayMs } = this.options.faults;
    const close = () =>
      this.shutdown(closeCode ?? 1011, closeReason ?? 'fault injected by the emulator');
    if (delayMs) this.later(delayMs, close);
    else close();
  }

  private shutdown(code: number, reason: string): void {
    if (this.closed) return;
    this.options.close(code, reason);
    this.dispose();
  }

  private sendError(error: EmulatorProtocolError, clientEventId: string | null): void {
    this.emit({ type: 'error', error: error.toBody(clientEventId) });
  }

  private sessionObject(): Json {
    return this.options.dialect === 'beta'
      ? sessionToBeta(this.session)
      : sessionToGa(this.session);
  }

  // ── Incoming ──────────────────────────────────────────────────────────────────────────────

  /** Handles one WebSocket frame from the client. Never throws; bad input becomes an `error` event. */
  handleFrame(data: Buffer | string, isBinary: boolean): void {
    if (this.closed) return;
    const parsed = parseClientFrame(
      data,
      isBinary,
      this.options.maxEventBytes,
      this.options.dialect,
    );
    if (!parsed.ok) {
      this.sendError(parsed.error, parsed.eventId);
      return;
    }
    const event = parsed.event;
    const eventId = typeof event.event_id === 'string' ? event.event_id : null;
    try {
      this.dispatch(event, eventId);
    } catch (error) {
      if (error instanceof EmulatorProtocolError) this.sendError(error, eventId);
      else {
        this.sendError(
          new EmulatorProtocolError(
            'server_error',
            `The emulator failed: ${String((error as Error)?.message ?? error)}`,
            null,
            'server_error',
          ),
          eventId,
        );
      }
    }
  }

  private dispatch(event: Json, eventId: string | null): void {
    switch (event.type) {
      case 'session.update':
        return this.onSessionUpdate(event, eventId);
      case 'input_audio_buffer.append':
        return this.onAppend(event);
      case 'input_audio_buffer.commit':
        return this.onCommit();
      case 'input_audio_buffer.clear':
        this.buffer.clear();
        this.vad?.reset(this.buffer.endSample);
        this.pendingUserItemId = null;
        return this.emit({ type: 'input_audio_buffer.cleared' });
      case 'conversation.item.create':
        return this.onItemCreate(event);
      case 'conversation.item.delete':
        return this.onItemDelete(event);
      case 'conversation.item.retrieve':
        return this.onItemRetrieve(event);
      case 'conversation.item.truncate':
        return this.onItemTruncate(event);
      case 'response.create':
        return this.onResponseCreate(event);
      case 'response.cancel':
        return this.onResponseCancel(event);
      case 'output_audio_buffer.clear':
        throw new EmulatorProtocolError(
          'invalid_value',
          'output_audio_buffer.clear is only supported for WebRTC and SIP sessions; over WebSocket, stop local playback and send conversation.item.truncate.',
          'type',
        );
      case 'emulator.transcript':
        return this.onControlTranscript(event);
      case 'emulator.reply':
        return this.onControlReply(event);
      case 'emulator.fault':
        return this.onControlFault(event);
    }
  }

  private onSessionUpdate(event: Json, _eventId: string | null): void {
    let patch: unknown = event.session;
    if (this.options.dialect === 'beta') patch = betaSessionPatchToGa(event.session, this.session);
    const previousFormat = this.session.audio.input.format;
    const result = applySessionPatch(this.session, patch, {
      hasAssistantAudio: this.hasAssistantAudio,
    });
    if (!result.ok) {
      if (this.options.dialect !== 'beta') throw result.error;
      // Validation ran on the translated GA patch: name the field the beta client sent.
      const { code, message, param, type } = result.error;
      const betaName = betaParam(param);
      throw new EmulatorProtocolError(
        code,
        param && betaName ? message.split(param).join(betaName) : message,
        betaName,
        type,
      );
    }
    this.session = result.session;
    if (JSON.stringify(previousFormat) !== JSON.stringify(this.session.audio.input.format)) {
      this.buffer.setFormat(this.session.audio.input.format);
      this.vad = null;
    }
    this.configureVad();
    this.emit({ type: 'session.updated', session: this.sessionObject() });
  }

  private configureVad(): void {
    const detection = this.session.audio.input.turn_detection;
    if (!detection) {
      this.vad = null;
      return;
    }
    const settings =
      detection.type === 'server_vad'
        ? {
            threshold: detection.threshold,
            prefixPaddingMs: detection.prefix_padding_ms,
            silenceDurationMs: detection.silence_duration_ms,
          }
        : {
            threshold: 0.5,
            prefixPaddingMs: 300,
            silenceDurationMs: semanticSilenceMs(detection.eagerness),
          };
    if (this.vad) this.vad.configure(settings);
    else this.vad = new EnergyVad(this.buffer.sampleRate, settings, this.buffer.endSample);
  }

  private onAppend(event: Json): void {
    const audio = event.audio;
    if (typeof audio !== 'string') {
      throw audio === undefined
        ? new EmulatorProtocolError(
            'missing_required_parameter',
            "Missing required parameter: 'audio'.",
            'audio',
          )
        : new EmulatorProtocolError(
            'invalid_type',
            `Invalid type for 'audio': expected a string, but got ${describeJsonType(audio)} instead.`,
            'audio',
          );
    }
    const bytes = decodeStrictBase64(audio, 'audio');
    const format = this.session.audio.input.format;
    checkAudioFormat(bytes, format, 'audio');
    const startSample = this.buffer.append(bytes);
    if (!this.vad) {
      this.buffer.bound(MAX_MANUAL_BUFFER_MS);
      return;
    }
    const samples = decodeToLinear(bytes, format);
    const events = this.vad.push(samples, startSample, this.buffer.bufferStartSample);
    for (const vadEvent of events) this.onVadEvent(vadEvent);
    if (!this.vad.speaking) {
      const detection = this.session.audio.input.turn_detection;
      const padding = detection?.type === 'server_vad' ? detection.prefix_padding_ms : 300;
      this.buffer.trimOlderThan(padding + 200);
    }
  }

  private onVadEvent(event: VadEvent): void {
    const detection = this.session.audio.input.turn_detection;
    if (!detection) return;
    if (event.type === 'speech_started') {
      this.clearIdleTimer();
      this.pendingUserItemId = createId('item');
      this.emit({
        type: 'input_audio_buffer.speech_started',
        audio_start_ms: Math.round(this.buffer.sampleToMs(event.startSample)),
        item_id: this.pendingUserItemId,
      });
      const active = this.responses.active;
      if (detection.interrupt_response && active) this.responses.cancel(active, 'turn_detected');
      return;
    }
    const itemId = this.pendingUserItemId ?? createId('item');
    this.pendingUserItemId = null;
    this.emit({
      type: 'input_audio_buffer.speech_stopped',
      audio_end_ms: Math.round(this.buffer.sampleToMs(event.endSample)),
      item_id: itemId,
    });
    this.commitBuffer(itemId, event.endSample);
    if (detection.create_response && this.session.type === 'realtime') {
      const active = this.responses.active;
      if (active) this.sendError(this.responses.activeResponseError(active), null);
      else this.responses.start(defaultOverrides());
    }
  }

  private onCommit(): void {
    const buffered = this.buffer.bufferedMs;
    if (buffered < MIN_COMMIT_MS) {
      throw new EmulatorProtocolError(
        'input_audio_buffer_commit_empty',
        `Error committing input audio buffer: buffer too small. Expected at least ${MIN_COMMIT_MS}ms of audio, but buffer only has ${buffered.toFixed(2)}ms of audio.`,
      );
    }
    const itemId = this.pendingUserItemId ?? createId('item');
    this.pendingUserItemId = null;
    this.commitBuffer(itemId);
    this.vad?.reset(this.buffer.endSample);
  }

  private commitBuffer(itemId: string, untilSample?: number): void {
    const committed = this.buffer.take(untilSample);
    const supplied = this.transcripts.shift();
    const item: StoredItem = {
      id: itemId,
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio', transcript: null }],
      // One copy: the decoded frames are slices of shared pool slabs that would otherwise stay pinned.
      audio: [Buffer.concat(committed.audio, committed.byteLength)],
      audioFormat: this.session.audio.input.format,
      audioMs: committed.ms,
      spokenText: supplied ?? `[speech ${(committed.ms / 1000).toFixed(1)} s]`,
      spokenTextSupplied: supplied !== undefined,
    };
    const previous = this.conversation.insert(item);
    this.conversation.boundAudio(MAX_RETAINED_AUDIO_MS);
    this.emit({
      type: 'input_audio_buffer.committed',
      previous_item_id: previous,
      item_id: itemId,
    });
    this.emitItemAdded(item, previous);
    if (this.session.audio.input.transcription) this.scheduleTranscription(item);
  }

  private scheduleTranscription(item: StoredItem): void {
    const model = this.session.audio.input.transcription?.model ?? 'whisper-1';
    const text = item.spokenText ?? '';
    // Asynchronous like the real ASR, so client code that assumes an order gets exercised.
    this.later(this.paced(40), () => {
      if (!this.conversation.get(item.id)) return;
      const pieces = model === 'whisper-1' ? [text] : (text.match(/\S+\s*/g) ?? [text]);
      for (const delta of pieces) {
        this.emit({
          type: 'conversation.item.input_audio_transcription.delta',
          item_id: item.id,
          content_index: 0,
          delta,
          ...(this.options.dialect === 'ga' ? { obfuscation: createObfuscation(8) } : {}),
        });
      }
      const part = item.content?.[0];
      if (part) part.transcript = text;
      const audioInput = audioTokens(item.audioMs ?? 0, 'user');
      const usage =
        model === 'whisper-1'
          ? { type: 'duration', seconds: Math.ceil((item.audioMs ?? 0) / 1000) }
          : {
              type: 'tokens',
              input_tokens: audioInput,
              output_tokens: textTokens(text),
              total_tokens: audioInput + textTokens(text),
              input_token_details: { text_tokens: 0, audio_tokens: audioInput },
            };
      this.emit({
        type: 'conversation.item.input_audio_transcription.completed',
        item_id: item.id,
        content_index: 0,
        transcript: text,
        usage,
      });
    });
  }

  private paced(ms: number): number {
    return Number.isFinite(this.options.speechRate) ? ms / this.options.speechRate : 0;
  }

  // ── Items ─────────────────────────────────────────────────────────────────────────────────

  private emitItemAdded(item: StoredItem, previous: string | null): void {
    this.emit({
      type: 'conversation.item.added',
      previous_item_id: previous,
      item: itemToWire(item),
    });
    if (item.status !== 'in_progress')
      this.emit({
        type: 'conversation.item.done',
        previous_item_id: previous,
        item: itemToWire(item),
      });
  }

  private onItemCreate(event: Json): void {
    const previousItemId = event.previous_item_id;
    if (previousItemId !== undefined && previousItemId !== null) {
      if (typeof previousItemId !== 'string') {
        throw new EmulatorProtocolError(
          'invalid_type',
          `Invalid type for 'previous_item_id': expected a string, but got ${describeJsonType(previousItemId)} instead.`,
          'previous_item_id',
        );
      }
      if (previousItemId !== 'root' && !this.conversation.get(previousItemId)) {
        throw new EmulatorProtocolError(
          'invalid_value',
          `Previous item with id '${previousItemId}' not found.`,
          'previous_item_id',
        );
      }
    }
    const item = buildClientItem(event.item, 'item', this.itemContext(true));
    const previous = this.conversation.insert(item, previousItemId);
    this.emitItemAdded(item, previous);
  }

  private itemContext(checkIds: boolean): ClientItemContext {
    return {
      conversation: this.conversation,
      inputFormat: this.session.audio.input.format,
      takeTranscript: () => this.transcripts.shift(),
      checkIds,
    };
  }

  private requireItemId(event: Json, code: string): StoredItem {
    const itemId = event.item_id;
    if (typeof itemId !== 'string') {
      throw itemId === undefined
        ? new EmulatorProtocolError(
            'missing_required_parameter',
            "Missing required parameter: 'item_id'.",
            'item_id',
          )
        : new EmulatorProtocolError(
            'invalid_type',
            `Invalid type for 'item_id': expected a string, but got ${describeJsonType(itemId)} instead.`,
            'item_id',
          );
    }
    const item = this.conversation.get(itemId);
    if (!item)
      throw new EmulatorProtocolError(code, `Item with item_id not found: ${itemId}`, 'item_id');
    return item;
  }

  private onItemDelete(event: Json): void {
    const item = this.requireItemId(event, 'item_delete_invalid_item_id');
    this.conversation.delete(item.id);
    this.emit({ type: 'conversation.item.deleted', item_id: item.id });
  }

  private onItemRetrieve(event: Json): void {
    const item = this.requireItemId(event, 'item_retrieve_invalid_item_id');
    this.emit({ type: 'conversation.item.retrieved', item: itemToWire(item, true) });
  }

  private onItemTruncate(event: Json): void {
    const item = this.requireItemId(event, 'item_truncate_invalid_item_id');
    const part = item.content?.[0];
    if (item.role !== 'assistant' || part?.type !== 'output_audio') {
      throw new EmulatorProtocolError(
        'item_truncate_invalid_item_id',
        `Only assistant messages with audio can be truncated; item ${item.id} has none.`,
        'item_id',
      );
    }
    if (event.content_index !== undefined && event.content_index !== 0) {
      throw new EmulatorProtocolError(
        'invalid_value',
        `Invalid 'content_index': ${JSON.stringify(event.content_index)}. Only content_index 0 (the audio part) can be truncated.`,
        'content_index',
      );
    }
    const audioEndMs = event.audio_end_ms;
    if (typeof audioEndMs !== 'number' || !Number.isInteger(audioEndMs)) {
      throw audioEndMs === undefined
        ? new EmulatorProtocolError(
            'missing_required_parameter',
            "Missing required parameter: 'audio_end_ms'.",
            'audio_end_ms',
          )
        : new EmulatorProtocolError(
            'invalid_type',
            `Invalid type for 'audio_end_ms': expected an integer, but got ${describeJsonType(audioEndMs)} instead.`,
            'audio_end_ms',
          );
    }
    if (audioEndMs < 0) {
      throw new EmulatorProtocolError(
        'integer_below_min_value',
        `Invalid 'audio_end_ms': integer below minimum value. Expected a value >= 0, but got ${audioEndMs} instead.`,
        'audio_end_ms',
      );
    }
    const open = this.responses.openPartOf(item);
    const sentMs = open ? (open.sentSamples / OUTPUT_SAMPLE_RATE) * 1000 : (item.audioMs ?? 0);
    if (audioEndMs > Math.floor(sentMs)) {
      throw new EmulatorProtocolError(
        'invalid_value',
        `Audio content of ${Math.floor(sentMs)}ms is already shorter than ${audioEndMs}ms`,
        'audio_end_ms',
      );
    }
    const keepBytes = Math.floor((audioEndMs * OUTPUT_SAMPLE_RATE) / 1000) * 2;
    const audio = Buffer.concat(open ? open.audio : (item.audio ?? []));
    item.audio = [audio.subarray(0, keepBytes)];
    item.audioMs = audioEndMs;
    // The real server drops the transcript so the model is not credited with words never heard.
    part.transcript = '';
    if (open) open.sentSamples = Math.min(open.sentSamples, keepBytes / 2);
    this.emit({
      type: 'conversation.item.truncated',
      item_id: item.id,
      content_index: 0,
      audio_end_ms: audioEndMs,
    });
  }

  // ── Control messages (documented in the README) ───────────────────────────────────────────

  private onControlTranscript(event: Json): void {
    if (typeof event.text !== 'string')
      throw new EmulatorProtocolError(
        'missing_required_parameter',
        "Missing required parameter: 'text'.",
        'text',
      );
    this.checkControlQueue(this.transcripts.length);
    this.transcripts.push(event.text);
  }

  /** Control queues are bounded: a test scripts a few turns ahead, not thousands. */
  private checkControlQueue(length: number): void {
    if (length >= MAX_CONTROL_QUEUE) {
      throw new EmulatorProtocolError(
        'invalid_value',
        `At most ${MAX_CONTROL_QUEUE} scripted transcripts or replies can wait at once.`,
        'type',
      );
    }
  }

  private onControlReply(event: Json): void {
    this.checkControlQueue(this.scripted.length);
    if (typeof event.text === 'string') this.scripted.push({ text: event.text });
    else if (typeof event.tool === 'string')
      this.scripted.push({ tool: event.tool, arguments: event.arguments });
    else
      throw new EmulatorProtocolError(
        'missing_required_parameter',
        "Missing required parameter: 'text' or 'tool'.",
        'text',
      );
  }

  private onControlFault(event: Json): void {
    const error = event.error as Json | undefined;
    if (error) {
      this.sendError(
        new EmulatorProtocolError(
          typeof error.code === 'string' ? error.code : 'server_error',
          typeof error.message === 'string' ? error.message : 'Injected error.',
          typeof error.param === 'string' ? error.param : null,
          typeof error.type === 'string' ? error.type : 'server_error',
        ),
        null,
      );
    }
    if (typeof event.delay_ms === 'number') this.options.faults.delayMs = event.delay_ms;
    if (event.stall === true) this.stalled = true;
    const close = event.close as Json | undefined;
    if (close)
      this.shutdown(
        typeof close.code === 'number' ? close.code : 1011,
        typeof close.reason === 'string' ? close.reason : 'fault injected by the emulator',
      );
  }

  // ── Responses ─────────────────────────────────────────────────────────────────────────────

  private onResponseCreate(event: Json): void {
    if (this.session.type !== 'realtime') {
      throw new EmulatorProtocolError(
        'invalid_value',
        'Responses are not available in transcription sessions.',
        'type',
      );
    }
    const overrides = parseResponseOverrides(event.response, (entry, param) =>
      this.resolveInput(entry, param),
    );
    const active = this.responses.active;
    if (overrides.conversation === 'auto' && active)
      throw this.responses.activeResponseError(active);
    this.responses.start(overrides);
  }

  /** One `response.input` entry: an `item_reference` to a conversation item, or an inline item. */
  private resolveInput(entry: unknown, param: string): StoredItem {
    if (entry && typeof entry === 'object' && (entry as Json).type === 'item_reference') {
      const id = (entry as Json).id;
      const found = typeof id === 'string' ? this.conversation.get(id) : undefined;
      if (!found) {
        throw new EmulatorProtocolError(
          'invalid_value',
          `Invalid '${param}.id': item '${String(id)}' not found in the conversation.`,
          `${param}.id`,
        );
      }
      return found;
    }
    return buildClientItem(entry, param, this.itemContext(false));
  }

  private onResponseCancel(event: Json): void {
    const responseId = event.response_id;
    const target =
      typeof responseId === 'string' ? this.responses.find(responseId) : this.responses.active;
    if (!target)
      throw new EmulatorProtocolError(
        'response_cancel_not_active',
        'Cancellation failed: no active response found',
      );
    this.responses.cancel(target, 'client_cancelled');
  }

  // ── Idle timeout (GA server_vad `idle_timeout_ms`) ────────────────────────────────────────

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private armIdleTimer(playbackMs: number): void {
    const detection = this.session.audio.input.turn_detection;
    if (detection?.type !== 'server_vad' || !detection.idle_timeout_ms) return;
    this.clearIdleTimer();
    this.idleTimer = setTimeout(
      () => {
        this.idleTimer = null;
        if (this.closed || this.responses.active || this.vad?.speaking) return;
        const itemId = createId('item');
        const endMs = Math.round(this.buffer.sampleToMs(this.buffer.endSample));
        const startMs = Math.round(this.buffer.sampleToMs(this.buffer.bufferStartSample));
        this.emit({
          type: 'input_audio_buffer.timeout_triggered',
          item_id: itemId,
          audio_start_ms: startMs,
          audio_end_ms: endMs,
        });
        this.commitBuffer(itemId);
        this.vad?.reset(this.buffer.endSample);
        this.responses.start(defaultOverrides());
      },
      this.paced(playbackMs) + detection.idle_timeout_ms,
    );
  }
}
