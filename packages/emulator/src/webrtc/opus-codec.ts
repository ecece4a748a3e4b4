import OpusScript from 'opusscript';

/** The Realtime API's PCM rate; Opus codes it natively (RTP timestamps still tick at 48 kHz). */
export const CALL_SAMPLE_RATE = 24000;
/** One Opus frame: 20 ms, what browsers send and expect. */
export const FRAME_MS = 20;
/** Samples per 20 ms frame at 24 kHz. */
export const FRAME_SAMPLES = (CALL_SAMPLE_RATE * FRAME_MS) / 1000;
/** RTP clock ticks per frame (Opus's RTP clock is always 48 kHz, RFC 7587). */
export const RTP_TICKS_PER_FRAME = (48000 * FRAME_MS) / 1000;

const OPUS_SET_COMPLEXITY = 4010;
/**
 * The emulator speaks synthetic voice: complexity 0 costs about a tenth of the default 10
 * (measured: 10 s of audio in ~0.18 s against ~1.7 s with opusscript's wasm build on this
 * machine), which is what lets one emulator carry hundreds of calls.
 */
const ENCODER_COMPLEXITY = 0;

/**
 * Opus in and out of one call, mono at 24 kHz: the microphone's packets decoded to PCM16 for the
 * VAD and the input buffer, the reply's PCM16 encoded into 20 ms packets. `opusscript` runs libopus
 * as WebAssembly, so nothing native is installed.
 */
export class OpusCodec {
  private readonly encoder = new OpusScript(CALL_SAMPLE_RATE, 1, OpusScript.Application.VOIP);
  private readonly decoder = new OpusScript(CALL_SAMPLE_RATE, 1, OpusScript.Application.VOIP);
  private disposed = false;

  constructor() {
    this.encoder.encoderCTL(OPUS_SET_COMPLEXITY, ENCODER_COMPLEXITY);
  }

  /** One Opus packet to PCM16 little-endian (a fresh buffer); a corrupt packet gives `null`. */
  decode(packet: Buffer): Buffer | null {
    if (this.disposed || packet.length === 0) return null;
    try {
      return Buffer.from(this.decoder.decode(packet));
    } catch {
      return null;
    }
  }

  /** Exactly {@link FRAME_SAMPLES} PCM16 samples (little-endian bytes) to one Opus packet. */
  encode(pcm: Buffer): Buffer {
    return Buffer.from(this.encoder.encode(pcm, FRAME_SAMPLES));
  }

  /** Frees the wasm state of both directions. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.encoder.delete();
    this.decoder.delete();
  }
}
