/** Most audio kept per track for `/content` (10 minutes at 24 kHz): memory stays bounded. */
const MAX_SAMPLES = 24000 * 60 * 10;

/** One track of a stored session's recording, 24 kHz PCM16. */
export class RecordingTrack {
  private readonly chunks: Int16Array[] = [];
  private length = 0;

  /** Appends samples; beyond the cap the rest is dropped. */
  push(samples: Int16Array): void {
    const room = MAX_SAMPLES - this.length;
    if (room <= 0) return;
    const kept = samples.length > room ? samples.subarray(0, room) : samples;
    this.chunks.push(Int16Array.from(kept));
    this.length += kept.length;
  }

  get samples(): number {
    return this.length;
  }

  /** The sample at an index (0 past the end). */
  flatten(): Int16Array {
    const out = new Int16Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

/**
 * The recording `GET /v1/live/sessions/{id}/content` returns: a stereo 24 kHz PCM16 WAV file, the
 * left channel the input, the right the output (reference §1.1), both on the session timeline.
 */
export function stereoWav(input: RecordingTrack, output: RecordingTrack): Buffer {
  const left = input.flatten();
  const right = output.flatten();
  const frames = Math.max(left.length, right.length);
  const dataBytes = frames * 4;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'latin1');
  wav.write('fmt ', 12, 'latin1');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(2, 22); // stereo
  wav.writeUInt32LE(24000, 24);
  wav.writeUInt32LE(24000 * 4, 28);
  wav.writeUInt16LE(4, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < frames; i++) {
    wav.writeInt16LE(left[i] ?? 0, 44 + i * 4);
    wav.writeInt16LE(right[i] ?? 0, 46 + i * 4);
  }
  return wav;
}
