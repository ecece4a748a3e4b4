import { encodeOutput } from './audio-format.js';
import { createObfuscation } from './ids.js';
import {
  waitFor,
  type ActiveResponse,
  type Json,
  type OpenPart,
  type ResponseHost,
} from './response-types.js';
import { OUTPUT_SAMPLE_RATE, type SpeechClip } from './speech.js';

const AUDIO_DELTA_MS = 100;
/** A first phrase longer than this many words is split at its first comma. */
const FIRST_PHRASE_WORDS = 4;

/**
 * Splits reply text into contiguous phrases (they concatenate to it) for phrase-by-phrase speech:
 * after each sentence or clause end (`. ! ? ; :` and the whitespace after it), and a long first
 * phrase also after its first comma, so the first audio needs only a few words synthesized.
 */
export function splitPhrases(text: string): string[] {
  const phrases: string[] = [];
  let start = 0;
  for (const match of text.matchAll(/[.!?;:]+\s+/g)) {
    const end = match.index + match[0].length;
    phrases.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length || phrases.length === 0) phrases.push(text.slice(start));
  const first = phrases[0]!;
  const comma = /,\s+/.exec(first);
  if (comma && (first.match(/\S+/g)?.length ?? 0) > FIRST_PHRASE_WORDS) {
    const end = comma.index + comma[0].length;
    if (end < first.length) phrases.splice(0, 1, first.slice(0, end), first.slice(end));
  }
  return phrases;
}

/** One synthesized phrase being streamed: its samples and transcript pieces, cut to the limit. */
interface PhraseClip {
  samples: Int16Array;
  pieces: SpeechClip['pieces'];
}

/** What `streamAudio` needs to stream one phrase after the others. */
interface PhraseStream {
  host: ResponseHost;
  response: ActiveResponse;
  open: OpenPart;
  partIds: Json;
  /** Milliseconds of audio the response's earlier items already said. */
  audioBeforeMs: number;
  /** Samples of the phrases already streamed. */
  base: number;
  /** `performance.now()` when the first phrase was ready. */
  started: number;
  /** Starts synthesizing the next phrase (once). */
  prefetch(): void;
}

/**
 * Streams one phrase in 100 ms deltas, paced against the start of the first phrase; transcript
 * deltas lead the audio they describe, as the real server's do. False when the response ended.
 */
async function streamPhrase(stream: PhraseStream, clip: PhraseClip): Promise<boolean> {
  const { host, response, open, partIds, base } = stream;
  const chunkSamples = (OUTPUT_SAMPLE_RATE * AUDIO_DELTA_MS) / 1000;
  const format = host.session().audio.output.format;
  const { samples, pieces } = clip;
  let nextPiece = 0;
  /** Sends the transcript of the pieces that start before `endSample`. */
  const transcribeUpTo = (endSample: number): void => {
    while (nextPiece < pieces.length && pieces[nextPiece]!.startSample < endSample) {
      const delta = pieces[nextPiece++]!.text;
      open.sent += delta;
      host.emit({
        type: 'response.output_audio_transcript.delta',
        ...partIds,
        delta,
        ...(host.dialect === 'ga' ? { obfuscation: createObfuscation(12) } : {}),
      });
    }
  };
  for (let offset = 0; offset < samples.length; offset += chunkSamples) {
    const end = Math.min(samples.length, offset + chunkSamples);
    transcribeUpTo(end);
    const pcm = Buffer.from(samples.buffer, samples.byteOffset + offset * 2, (end - offset) * 2);
    const bytes = encodeOutput(pcm, format.type);
    open.audio.push(bytes);
    open.sentSamples = base + end;
    response.outputAudioMs = stream.audioBeforeMs + ((base + end) / OUTPUT_SAMPLE_RATE) * 1000;
    host.onAssistantAudio();
    host.emit({ type: 'response.output_audio.delta', ...partIds, delta: bytes.toString('base64') });
    // The next phrase is synthesized while this one streams (started after the first delta
    // is out, so an engine that runs on this thread does not delay it).
    stream.prefetch();
    const due = host.paced(((base + end) / OUTPUT_SAMPLE_RATE) * 1000);
    if (!(await waitFor(response, Math.max(0, stream.started + due - performance.now())))) {
      return false;
    }
  }
  transcribeUpTo(Infinity);
  stream.prefetch();
  return true;
}

/**
 * Speaks `text` phrase by phrase: the first phrase is synthesized alone, so its first delta goes
 * out as soon as that short piece is ready (a whole reply takes espeak-ng hundreds of ms), and
 * each next phrase is synthesized while the one before streams. Returns whether the audio was
 * cut at `maxSamples`.
 */
export async function streamAudio(
  host: ResponseHost,
  response: ActiveResponse,
  open: OpenPart,
  text: string,
  voice: string,
  maxSamples: number,
  partIds: Json,
  /** Milliseconds of audio the response's earlier items already said. */
  audioBeforeMs = 0,
): Promise<boolean> {
  const phrases = splitPhrases(text);
  const speed = host.session().audio.output.speed;
  const synthesize = (phrase: string): Promise<SpeechClip> => {
    const clip = host.synthesizer.synthesize(phrase, voice, speed);
    // A response that ends early never awaits what it prefetched.
    clip.catch(() => undefined);
    return clip;
  };
  let cut = false;
  let pending: Promise<SpeechClip> | null = synthesize(phrases[0] ?? '');
  let phrase = 0;
  const stream: PhraseStream = {
    host,
    response,
    open,
    partIds,
    audioBeforeMs,
    base: 0,
    started: -1,
    prefetch: () => {
      if (!cut && !pending && phrase + 1 < phrases.length)
        pending = synthesize(phrases[phrase + 1]!);
    },
  };
  for (; pending; phrase++) {
    const clip = await pending;
    pending = null;
    if (response.finished) return cut;
    if (stream.started < 0) stream.started = performance.now();
    let samples = clip.samples;
    let pieces = clip.pieces;
    if (maxSamples - stream.base < samples.length) {
      const end = Math.max(0, maxSamples - stream.base);
      const base = stream.base;
      samples = samples.subarray(0, end);
      pieces = pieces.filter(
        (piece) => piece.startSample < end || (piece.startSample === 0 && base === 0),
      );
      cut = true;
    }
    if (!(await streamPhrase(stream, { samples, pieces }))) return cut;
    stream.base += samples.length;
  }
  return cut;
}
