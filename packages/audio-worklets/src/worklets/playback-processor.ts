// The playback AudioWorkletProcessor: a jitter buffer of 24 kHz PCM16 chunks tagged with item ids,
// resampled to the context rate, with an exact per-item playhead, instant flush and output level.
// Bundled by esbuild into the self-contained `dist/worklets/playback.js`.
import { pcm16ToFloat } from '@parley/core';
import { LevelMeter } from '../dsp/level-meter.js';
import { PlaybackQueue, type PlaybackQueueEvent } from '../dsp/playback-queue.js';
import { createStreamResampler, type StreamResampler } from '../dsp/stream-resampler.js';
import {
  PLAYBACK_PROCESSOR,
  type PlaybackCommand,
  type PlaybackMessage,
  type PlaybackProcessorOptions,
} from './messages.js';
import { scope, type WorkletNodeOptions } from './worklet-scope.js';

class PlaybackProcessor extends scope.AudioWorkletProcessor {
  private readonly sourceRate: number;
  private readonly queue: PlaybackQueue;
  private readonly meter: LevelMeter;
  private readonly positionIntervalFrames: number;
  private framesSincePosition = 0;
  private resampler: StreamResampler | null = null;
  private resamplerItemId: string | null = null;
  private lastLevelWasSilent = true;
  private disposed = false;
  private readonly onEvent = (event: PlaybackQueueEvent): void => {
    switch (event.type) {
      case 'started':
        this.post({ type: 'started', itemId: event.itemId, frame: event.frame });
        break;
      case 'idle':
        this.post({ type: 'idle', playhead: event.playhead, frame: event.frame });
        this.postStats();
        break;
      case 'underrun':
        this.post(event);
        break;
    }
  };

  constructor(options: WorkletNodeOptions<PlaybackProcessorOptions>) {
    super();
    const settings = options.processorOptions;
    if (!settings) throw new Error('parley-playback needs processorOptions');
    this.sourceRate = settings.sourceRate;
    this.queue = new PlaybackQueue({
      outputRate: scope.sampleRate,
      sourceRate: settings.sourceRate,
      prerollMs: settings.prerollMs,
    });
    this.meter = new LevelMeter(scope.sampleRate, settings.levelIntervalMs);
    this.positionIntervalFrames = Math.round(
      (settings.positionIntervalMs * scope.sampleRate) / 1000,
    );
    this.port.onmessage = (event: MessageEvent<PlaybackCommand>) => this.command(event.data);
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    if (this.disposed) return false;
    const channels = outputs[0];
    const first = channels?.[0];
    if (!channels || !first) return true;
    const frame = scope.currentFrame;
    this.queue.render(first, frame, this.onEvent);
    for (let index = 1; index < channels.length; index++) channels[index]!.set(first);

    const reading = this.meter.push(first);
    if (reading) {
      const silent = reading.peak === 0;
      if (!(silent && this.lastLevelWasSilent)) {
        this.post({ type: 'level', rms: reading.rms, peak: reading.peak, time: scope.currentTime });
      }
      this.lastLevelWasSilent = silent;
    }
    if (this.queue.playing) {
      this.framesSincePosition += first.length;
      if (this.framesSincePosition >= this.positionIntervalFrames) {
        this.framesSincePosition = 0;
        const itemId = this.queue.currentItemId;
        const playhead = itemId === null ? null : this.queue.position(itemId);
        if (playhead) this.post({ type: 'position', playhead, frame: frame + first.length });
      }
    }
    return true;
  }

  private command(command: PlaybackCommand): void {
    switch (command.type) {
      case 'enqueue':
        this.enqueue(command.itemId, command.samples, command.continuous === true);
        break;
      case 'flush': {
        const playhead = this.queue.flush();
        this.resampler = null;
        this.resamplerItemId = null;
        this.framesSincePosition = 0;
        // Messages are handled between render quanta, so the next quantum starts at currentFrame.
        this.post({
          type: 'flushed',
          requestId: command.requestId,
          playhead,
          frame: scope.currentFrame,
        });
        this.postStats();
        break;
      }
      case 'preroll':
        this.queue.setPreroll(command.prerollMs);
        break;
      case 'dispose':
        this.disposed = true;
        this.queue.flush();
        break;
    }
  }

  private enqueue(itemId: string, pcm16: Int16Array, continuous: boolean): void {
    const source = pcm16ToFloat(pcm16);
    let samples: Float32Array = source;
    if (scope.sampleRate !== this.sourceRate) {
      // One resampler per item keeps its filter state continuous across that item's chunks.
      if (this.resamplerItemId !== itemId || !this.resampler) {
        this.resampler = createStreamResampler(this.sourceRate, scope.sampleRate);
        this.resamplerItemId = itemId;
      }
      samples = this.resampler.process(source);
    }
    const dropped = this.queue.droppedChunks;
    const event = this.queue.enqueue(itemId, samples, pcm16.length, scope.currentFrame, continuous);
    if (event) this.onEvent(event);
    if (event || this.queue.droppedChunks !== dropped) this.postStats();
  }

  private postStats(): void {
    this.post({
      type: 'stats',
      underruns: this.queue.underruns,
      starvedFrames: this.queue.starvedFrames,
      droppedChunks: this.queue.droppedChunks,
      buffered: this.queue.buffered,
    });
  }

  private post(message: PlaybackMessage): void {
    this.port.postMessage(message);
  }
}

scope.registerProcessor(PLAYBACK_PROCESSOR, PlaybackProcessor);
