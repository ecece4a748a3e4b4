// Messages between the main thread and the worklets. Both sides import these types; the worklet
// bundles contain no main-thread code.

/** Registered name of the capture processor. */
export const CAPTURE_PROCESSOR = 'parley-capture';
/** Registered name of the playback processor. */
export const PLAYBACK_PROCESSOR = 'parley-playback';

/** `processorOptions` of the capture processor. */
export interface CaptureProcessorOptions {
  /** Rate of the frames it emits (24000). */
  targetRate: number;
  /** Samples per frame at `targetRate`. */
  frameSamples: number;
  /** Interval between level messages in ms (33.3 for 30 Hz). */
  levelIntervalMs: number;
  /** Start muted (no frames). */
  muted: boolean;
}

/** Main thread → capture processor. */
export type CaptureCommand =
  | { type: 'mute'; muted: boolean }
  /** Emit the partial frame now (end of a push-to-talk turn). */
  | { type: 'flush' }
  | { type: 'frameSamples'; frameSamples: number }
  /** The node is being released: stop processing so the browser can collect it. */
  | { type: 'dispose' };

/** Capture processor → main thread. */
export type CaptureMessage =
  | {
      type: 'frame';
      /** PCM16 mono at `targetRate`; its buffer is transferred, not copied. */
      samples: Int16Array;
      /** Frames sent so far, this one included. */
      sequence: number;
      /** Context time (s) at which the frame's first sample was captured, estimated. */
      captureTime: number;
    }
  | { type: 'level'; rms: number; peak: number; speaking: boolean; time: number }
  /** The input carried no channels for a while (device gone or not yet connected). */
  | { type: 'inputLost' };

/** `processorOptions` of the playback processor. */
export interface PlaybackProcessorOptions {
  /** Rate of the enqueued audio (24000). */
  sourceRate: number;
  prerollMs: number;
  /** Interval between position messages while playing, in ms. */
  positionIntervalMs: number;
  /** Interval between level messages in ms. */
  levelIntervalMs: number;
}

/** Main thread → playback processor. */
export type PlaybackCommand =
  | { type: 'enqueue'; itemId: string; samples: Int16Array; continuous?: boolean }
  | { type: 'flush'; requestId: number }
  | { type: 'preroll'; prerollMs: number }
  /** The node is being released: stop processing so the browser can collect it. */
  | { type: 'dispose' };

/** A playhead as the worklet reports it: source-rate samples rendered for an item. */
export interface WorkletPlayhead {
  itemId: string;
  playedSamples: number;
}

/** Playback processor → main thread. `frame` is the context frame the report refers to. */
export type PlaybackMessage =
  | { type: 'started'; itemId: string; frame: number }
  | { type: 'idle'; playhead: WorkletPlayhead; frame: number }
  | { type: 'underrun'; itemId: string; underruns: number; frame: number }
  | { type: 'position'; playhead: WorkletPlayhead; frame: number }
  /** Reply to `flush`: everything rendered from `frame` on is silent. */
  | { type: 'flushed'; requestId: number; playhead: WorkletPlayhead | null; frame: number }
  | { type: 'level'; rms: number; peak: number; time: number }
  | {
      type: 'stats';
      underruns: number;
      starvedFrames: number;
      droppedChunks: number;
      buffered: number;
    };
