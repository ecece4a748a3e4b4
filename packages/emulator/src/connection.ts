import { McpServers } from './mcp-servers.js';
import { parseClientFrame } from './client-events.js';
import type { ConnectionContext, ConnectionOptions, Json } from './connection-context.js';
import { onControlFault, onControlReply, onControlTranscript } from './control-events.js';
import { Conversation, itemToWire, type StoredItem } from './conversation.js';
import { eventToBeta } from './dialect.js';
import { EmulatorProtocolError } from './errors.js';
import { createId } from './ids.js';
import { InputAudioBuffer } from './input-buffer.js';
import { armIdleTimer, clearIdleTimer, onAppend, onClear, onCommit } from './input-audio-events.js';
import { onItemCreate, onItemDelete, onItemRetrieve, onItemTruncate } from './item-events.js';
import type { ScriptedReply } from './responder.js';
import { onResponseCancel, onResponseCreate } from './response-events.js';
import { ResponseStreams, type ResponseHost } from './response-stream.js';
import { applySessionPatch, createDefaultSession, type SessionState } from './session-config.js';
import { configureVad, onSessionUpdate, sessionObject } from './session-events.js';
import type { EnergyVad } from './vad.js';

export type { ConnectionOptions } from './connection-context.js';

/** A handler of one client event type, given the connection and the event. */
type EventHandler = (context: ConnectionContext, event: Json) => void;

/**
 * Client and control events by type; each family lives in its own module. A `Map`, so no event
 * type can reach an `Object.prototype` key.
 */
const HANDLERS = new Map<string, EventHandler>(
  Object.entries({
    'session.update': onSessionUpdate,
    'input_audio_buffer.append': onAppend,
    'input_audio_buffer.commit': onCommit,
    'input_audio_buffer.clear': onClear,
    'conversation.item.create': onItemCreate,
    'conversation.item.delete': onItemDelete,
    'conversation.item.retrieve': onItemRetrieve,
    'conversation.item.truncate': onItemTruncate,
    'response.create': onResponseCreate,
    'response.cancel': onResponseCancel,
    'output_audio_buffer.clear': () => {
      throw new EmulatorProtocolError(
        'invalid_value',
        'output_audio_buffer.clear is only supported for WebRTC and SIP sessions; over WebSocket, stop local playback and send conversation.item.truncate.',
        'type',
      );
    },
    'emulator.transcript': onControlTranscript,
    'emulator.reply': onControlReply,
    'emulator.fault': onControlFault,
  }),
);

/**
 * One Realtime session over one socket: parses client events and hands each to its family's
 * handler (session, input audio, items, responses, control), which share this connection's state
 * through {@link ConnectionContext}. It knows nothing about sockets beyond `send` and `close`, so
 * tests drive it directly.
 */
export class RealtimeConnection implements ConnectionContext {
  readonly options: ConnectionOptions;
  session: SessionState;
  readonly conversation: Conversation;
  readonly buffer: InputAudioBuffer;
  vad: EnergyVad | null = null;
  pendingUserItemId: string | null = null;
  pendingApproval: string | null = null;
  readonly responses: ResponseStreams;
  readonly mcp: McpServers;
  hasAssistantAudio = false;
  readonly transcripts: string[] = [];
  readonly scripted: ScriptedReply[] = [];
  stalled = false;
  closed = false;
  idleTimer: NodeJS.Timeout | null = null;
  private eventsSent = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

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
        // Checked when the key was minted (a beta key's patch may carry `temperature`).
        { hasAssistantAudio: false, dialect: 'beta' },
      );
      if (seeded.ok) this.session = seeded.session;
    }
    this.conversation = new Conversation(createId('conv', now));
    this.buffer = new InputAudioBuffer(this.session.audio.input.format);
    configureVad(this);
    this.mcp = new McpServers({
      conversation: this.conversation,
      emit: (event) => this.emit(event),
      emitItemAdded: (item, previous) => this.emitItemAdded(item, previous),
      isOpen: () => !this.closed,
    });
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
      mcp: this.mcp,
      preambles: this.options.preambles ?? true,
      onResponseStarted: () => {
        clearIdleTimer(this);
        this.pendingApproval = null;
      },
      onResponseCompleted: (audioMs) => armIdleTimer(this, audioMs),
      onAssistantAudio: () => {
        this.hasAssistantAudio = true;
      },
    };
  }

  /** Sends `session.created` and arms the session cap and the time-based faults. */
  start(): void {
    this.emit({ type: 'session.created', session: sessionObject(this) });
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
    this.mcp.sync(this.session.tools);
    const { closeAfterMs } = this.options.faults;
    if (closeAfterMs !== undefined) this.later(closeAfterMs, () => this.faultClose());
  }

  /** Stops every timer (the socket closed). */
  dispose(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    clearIdleTimer(this);
    this.responses.dispose();
    this.mcp.dispose();
  }

  // ── Outgoing ──────────────────────────────────────────────────────────────────────────────

  later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) run();
    }, ms);
    this.timers.add(timer);
  }

  paced(ms: number): number {
    return Number.isFinite(this.options.speechRate) ? ms / this.options.speechRate : 0;
  }

  emit(event: Json): void {
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

  sendError(error: EmulatorProtocolError, clientEventId: string | null): void {
    this.emit({ type: 'error', error: error.toBody(clientEventId) });
  }

  emitItemAdded(item: StoredItem, previous: string | null): void {
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

  shutdown(code: number, reason: string): void {
    if (this.closed) return;
    this.options.close(code, reason);
    this.dispose();
  }

  /** The count-based faults (`errorAfterEvents`, `closeAfterEvents`, `stallAfterEvents`). */
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
      HANDLERS.get(event.type)?.(this, event);
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
}
