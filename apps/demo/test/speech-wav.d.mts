export declare const WAV_SAMPLE_RATE: number;
export interface SpeechWav {
  path: string;
  dir: string;
  durationMs: number;
  /** Where each utterance's audible part starts and ends, in ms from the start of the file. */
  utterances: { text: string; startMs: number; endMs: number }[];
}
export declare function makeSpeechWav(
  segments: ({ silenceMs: number } | { say: string })[],
  options?: { dir?: string },
): SpeechWav;
export declare function readWavSamples(buffer: Buffer): { sampleRate: number; samples: Int16Array };
export declare function encodeWav(samples: Int16Array, sampleRate: number): Buffer;
