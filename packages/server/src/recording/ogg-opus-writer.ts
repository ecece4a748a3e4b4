/**
 * Stereo 24 kHz PCM16 frames to an Ogg Opus file, written as it goes: the emulator's `OpusCodec`
 * (libopus as WebAssembly through opusscript's native module, nothing native to install; not
 * opusscript's own wrapper, which writes PCM outside its buffers and breaks once several codecs
 * are open) encodes each 20 ms frame, and mediabunny's Ogg muxer
 * pages the packets into the file. Alongside, the waveform's peaks per 40 ms (two frames) and channel, so the
 * replay page draws both channels without downloading and decoding the audio first.
 */
import { Buffer } from 'node:buffer';
import { OpusCodec } from '@parley/emulator/opus';
import {
  EncodedAudioPacketSource,
  EncodedPacket,
  FilePathTarget,
  OggOutputFormat,
  Output,
} from 'mediabunny';
import { FRAME_SAMPLES, SAMPLE_RATE } from './pcm-timeline.js';

/** Peaks are kept per this many milliseconds. */
export const PEAK_BUCKET_MS = 40;
const framesPerBucket = PEAK_BUCKET_MS / 20;
/**
 * Complexity 5: on this machine 10 s of stereo speech encode in about 0.23 s, against 0.83 s at 8
 * and the same size; speech at 48 kbit/s stereo stays clear at either.
 */
const COMPLEXITY = 5;
const BITRATE = 48_000;
/** libopus's lookahead at 24 kHz (156 samples), as Ogg's pre-skip counts it, at 48 kHz. */
const PRE_SKIP = 312;

/** The `OpusHead` identification header (RFC 7845 §5.1): two channels, mapping family 0. */
function opusHead(): Uint8Array {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head[8] = 1;
  head[9] = 2;
  head.writeUInt16LE(PRE_SKIP, 10);
  head.writeUInt32LE(SAMPLE_RATE, 12);
  return new Uint8Array(head.buffer, head.byteOffset, head.length);
}

/** Collects one channel's peaks: the loudest sample per bucket, scaled to a byte. */
class PeakTrack {
  private readonly bytes: number[] = [];
  private loudest = 0;
  private frames = 0;

  add(samples: Int16Array): void {
    let loudest = this.loudest;
    for (const sample of samples) {
      const level = sample < 0 ? -sample : sample;
      if (level > loudest) loudest = level;
    }
    this.loudest = loudest;
    if (++this.frames % framesPerBucket === 0) this.flush();
  }

  flush(): void {
    this.bytes.push(Math.min(255, Math.round((this.loudest / 32768) * 255)));
    this.loudest = 0;
  }

  base64(): string {
    if (this.frames % framesPerBucket !== 0) {
      this.flush();
      this.frames = 0;
    }
    return Buffer.from(this.bytes).toString('base64');
  }
}

/** What a finished file holds. */
export interface WrittenAudio {
  durationMs: number;
  peaks: { bucketMs: number; channels: string[] };
}

/** Writes one recording to `path`; call {@link frame} in order, then {@link finish}. */
export class OggOpusWriter {
  private readonly encoder = new OpusCodec({
    channels: 2,
    application: 'audio',
    complexity: COMPLEXITY,
    bitrate: BITRATE,
  });
  private readonly source = new EncodedAudioPacketSource('opus');
  private readonly output: Output;
  private readonly started: Promise<void>;
  private readonly peaks = [new PeakTrack(), new PeakTrack()];
  private frames = 0;

  constructor(path: string) {
    this.output = new Output({ format: new OggOutputFormat(), target: new FilePathTarget(path) });
    this.output.addAudioTrack(this.source);
    this.started = this.output.start();
  }

  /** Encodes one 20 ms stereo frame (interleaved, plus each channel for the peaks). */
  async frame(interleaved: Int16Array, left: Int16Array, right: Int16Array): Promise<void> {
    this.peaks[0]?.add(left);
    this.peaks[1]?.add(right);
    const pcm = Buffer.from(interleaved.buffer, interleaved.byteOffset, interleaved.byteLength);
    const packet = this.encoder.encode(pcm);
    const seconds = FRAME_SAMPLES / SAMPLE_RATE;
    const meta =
      this.frames === 0
        ? {
            decoderConfig: {
              codec: 'opus',
              numberOfChannels: 2,
              sampleRate: 48000,
              description: opusHead(),
            },
          }
        : undefined;
    const encoded = new EncodedPacket(
      new Uint8Array(packet.buffer, packet.byteOffset, packet.length),
      'key',
      this.frames * seconds,
      seconds,
    );
    this.frames++;
    await this.started;
    await this.source.add(encoded, meta);
  }

  /** Closes the file; its duration is the frames written. */
  async finish(): Promise<WrittenAudio> {
    await this.started;
    try {
      if (this.frames > 0) await this.output.finalize();
      else await this.output.cancel();
    } finally {
      this.encoder.dispose();
    }
    return {
      durationMs: (this.frames * FRAME_SAMPLES * 1000) / SAMPLE_RATE,
      peaks: {
        bucketMs: PEAK_BUCKET_MS,
        channels: this.peaks.map((track) => track.base64()),
      },
    };
  }

  /** Gives up the file (an error): stops the muxer and frees the encoder. */
  async abort(): Promise<void> {
    await this.started.catch(() => undefined);
    await this.output.cancel().catch(() => undefined);
    this.encoder.dispose();
  }
}
