import type { SpeechSynthesizer } from '../speech.js';
import type { LiveSessionResource } from './live-config.js';
import { stereoWav } from './live-recording.js';
import { LiveSession } from './live-session.js';

type Json = Record<string, unknown>;

/** A stored session that has finished: what a fork inherits and what `/content` returns. */
export interface FinishedSession {
  resource: LiveSessionResource;
  /** The conversation as startup `input` items (text only), for forks. */
  history: Json[];
  recording: Buffer;
}

/** Settings every session of one emulator shares. */
export interface LiveSettings {
  synthesizer: SpeechSynthesizer;
  maxSessionMs: number;
  usageIntervalMs: number;
  sidebandOutputAudio: boolean;
  backendDelayMs: number;
  maxEventBytes: number;
  /** Interfaces WebRTC sessions gather ICE candidates on (default loopback). */
  iceAddresses?: string[];
}

const MAX_FINISHED = 100;

/** The emulator's Live sessions: running ones by id (for sidebands, hangup), and finished stored ones (fork, content). */
export class LiveRegistry {
  readonly running = new Map<string, LiveSession>();
  readonly finished = new Map<string, FinishedSession>();
  /** Ids of sessions that closed without `store: true` (so `/content` can say why). */
  private readonly unstored = new Set<string>();

  constructor(readonly settings: LiveSettings) {}

  /** The `expires_at` of a session starting now. */
  expiresAt(): number {
    return Math.floor((Date.now() + this.settings.maxSessionMs) / 1000);
  }

  /** Creates and registers a session. */
  create(resource: LiveSessionResource): LiveSession {
    const session = new LiveSession({
      resource,
      synthesizer: this.settings.synthesizer,
      usageIntervalMs: this.settings.usageIntervalMs,
      sidebandOutputAudio: this.settings.sidebandOutputAudio,
      backendDelayMs: this.settings.backendDelayMs,
      onClosed: (closed) => this.onClosed(closed),
    });
    this.running.set(resource.id, session);
    return session;
  }

  /** True when the id belongs to a session this emulator started (running or finished). */
  known(id: string): boolean {
    return this.running.has(id) || this.finished.has(id) || this.unstored.has(id);
  }

  private onClosed(session: LiveSession): void {
    this.running.delete(session.id);
    if (!session.stored) {
      this.unstored.add(session.id);
      if (this.unstored.size > 10 * MAX_FINISHED)
        this.unstored.delete(this.unstored.values().next().value!);
      return;
    }
    this.finished.set(session.id, {
      resource: session.resource,
      history: session.items.flatMap((item) => {
        if (item.type !== 'message') return [];
        const part = item.content?.[0]?.text;
        const written = typeof part === 'string' ? part : '';
        const text = item.role === 'user' ? (item.spokenText ?? written) : written;
        if (!text) return [];
        return item.role === 'assistant'
          ? [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] }]
          : [{ type: 'message', role: 'user', content: [{ type: 'input_text', text }] }];
      }),
      recording: stereoWav(session.input, session.output),
    });
    if (this.finished.size > MAX_FINISHED) this.finished.delete(this.finished.keys().next().value!);
  }

  /** Closes every running session (the emulator is shutting down). */
  closeAll(): void {
    for (const session of [...this.running.values()]) session.close('connection_lost');
  }
}
