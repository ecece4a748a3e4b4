import { createRequire } from 'node:module';

/** The Realtime API's PCM rate; Opus codes it natively (RTP timestamps still tick at 48 kHz). */
export const CALL_SAMPLE_RATE = 24000;
/** One Opus frame: 20 ms, what browsers send and expect. */
export const FRAME_MS = 20;
/** Samples per 20 ms frame at 24 kHz. */
export const FRAME_SAMPLES = (CALL_SAMPLE_RATE * FRAME_MS) / 1000;
/** RTP clock ticks per frame (Opus's RTP clock is always 48 kHz, RFC 7587). */
export const RTP_TICKS_PER_FRAME = (48000 * FRAME_MS) / 1000;

const OPUS_SET_BITRATE = 4002;
const OPUS_SET_COMPLEXITY = 4010;
const APPLICATIONS = { voip: 2048, audio: 2049 } as const;

/** How a codec is opened; the defaults are a WebRTC call's (mono speech). */
export interface OpusCodecOptions {
  /** 1 (a call) or 2 (a two-channel recording). Default 1. */
  channels?: 1 | 2;
  /** libopus's application: `'voip'` (speech, the default) or `'audio'`. */
  application?: keyof typeof APPLICATIONS;
  /**
   * libopus's encoder complexity, 0 to 10. Default 0: the emulator speaks synthetic voice, and
   * complexity 0 costs about a tenth of 10 (measured: 10 s of audio in ~0.18 s against ~1.7 s
   * with opusscript's wasm build on this machine), which is what lets one emulator carry hundreds
   * of calls.
   */
  complexity?: number;
  /** The encoder's target bit rate in bit/s; libopus chooses when absent. */
  bitrate?: number;
}
/** libopus's largest packet as opusscript's native handler is built (1276 * 3 bytes). */
const MAX_PACKET_BYTES = 1276 * 3;
/** The native handler's largest decoded frame in samples per channel (960 * 6). */
const MAX_DECODED_SAMPLES = 960 * 6;

/** The handler opusscript compiles from C++ (its `OpusScriptHandler` class). */
interface NativeHandler {
  _encode(input: number, bytes: number, output: number, frameSize: number): number;
  _decode(input: number, bytes: number, output: number): number;
  _encoder_ctl(ctl: number, arg: number): number;
}

/** The emscripten module of opusscript's wasm build: one heap, shared by every handler. */
interface NativeModule {
  OpusScriptHandler: {
    new (sampleRate: number, channels: number, application: number): NativeHandler;
    destroy_handler(handler: NativeHandler): void;
  };
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  /** Replaced by a view of the new buffer whenever the heap grows. */
  HEAPU8: Uint8Array;
}

let native: NativeModule | null = null;

/**
 * opusscript's native module, loaded once. Its JavaScript wrapper (`new OpusScript()`) is not used:
 * it keeps views of the heap made at construction, which the heap's growth detaches (every codec
 * then throws "offset is out of bounds"), and it places its PCM views at twice the allocated
 * address (a `Uint16Array` indexed by a byte pointer), so they overlap other handlers' memory and,
 * past ~40 calls, run off the end of the 16 MiB heap.
 */
function nativeModule(): NativeModule {
  if (native === null) {
    const require = createRequire(import.meta.url);
    const create = require('opusscript/build/opusscript_native_wasm.js') as () => NativeModule;
    native = create();
  }
  return native;
}

/**
 * Opus in and out at 24 kHz in 20 ms frames. A call (the defaults, mono): the microphone's packets
 * decoded to PCM16 for the VAD and the input buffer, the reply's PCM16 encoded into packets. The
 * Parley server's recorder opens it with two channels. `opusscript` runs libopus as WebAssembly,
 * so nothing native is installed. One native handler holds both directions; its buffers are
 * allocated at the sizes the C++ side uses, and every call views the heap afresh, so a heap that
 * grew while hundreds of codecs were open is read and written where it now is.
 */
export class OpusCodec {
  private readonly module = nativeModule();
  private readonly handler: NativeHandler;
  /**
   * The native encoder reads its input as one 16-bit word per PCM byte and packs it in place: two
   * bytes of heap per byte of PCM.
   */
  private readonly pcmIn: number;
  private readonly packetIn: number;
  private readonly packetOut: number;
  /** The native decoder writes one 16-bit word per PCM byte. */
  private readonly pcmOut: number;
  private readonly channels: number;
  private disposed = false;

  constructor(options: OpusCodecOptions = {}) {
    const { channels = 1, application = 'voip', complexity = 0, bitrate } = options;
    const module = this.module;
    this.channels = channels;
    this.handler = new module.OpusScriptHandler(
      CALL_SAMPLE_RATE,
      channels,
      APPLICATIONS[application],
    );
    this.pcmIn = module._malloc(FRAME_SAMPLES * channels * 2 * 2);
    this.packetIn = module._malloc(MAX_PACKET_BYTES);
    this.packetOut = module._malloc(MAX_PACKET_BYTES);
    this.pcmOut = module._malloc(MAX_DECODED_SAMPLES * channels * 2 * 2);
    this.control(OPUS_SET_COMPLEXITY, complexity);
    if (bitrate !== undefined) this.control(OPUS_SET_BITRATE, bitrate);
  }

  private control(ctl: number, value: number): void {
    const result = this.handler._encoder_ctl(ctl, value);
    if (result < 0) {
      this.dispose();
      throw new RangeError(`OpusCodec: libopus refused setting ${ctl} to ${value} (${result})`);
    }
  }

  /** One Opus packet to PCM16 little-endian (a fresh buffer); a corrupt packet gives `null`. */
  decode(packet: Buffer): Buffer | null {
    if (this.disposed || packet.length === 0 || packet.length > MAX_PACKET_BYTES) return null;
    this.module.HEAPU8.set(packet, this.packetIn);
    const samples = this.handler._decode(this.packetIn, packet.length, this.pcmOut);
    if (samples < 0) return null;
    // Each 16-bit word holds one byte of the PCM16 output: Buffer.from keeps the low byte of each.
    const bytes = samples * this.channels * 2;
    return Buffer.from(new Uint16Array(this.module.HEAPU8.buffer, this.pcmOut, bytes));
  }

  /**
   * Exactly {@link FRAME_SAMPLES} PCM16 samples per channel (little-endian bytes, channels
   * interleaved) to one Opus packet.
   */
  encode(pcm: Uint8Array): Buffer {
    if (this.disposed) throw new Error('OpusCodec: encode after dispose');
    const frameBytes = FRAME_SAMPLES * this.channels * 2;
    if (pcm.length !== frameBytes) {
      throw new RangeError(`OpusCodec: a frame is ${frameBytes} bytes of PCM16, got ${pcm.length}`);
    }
    new Uint16Array(this.module.HEAPU8.buffer, this.pcmIn, pcm.length).set(pcm);
    const bytes = this.handler._encode(this.pcmIn, pcm.length, this.packetOut, FRAME_SAMPLES);
    if (bytes < 0) throw new Error(`OpusCodec: libopus encode error ${bytes}`);
    return Buffer.from(this.module.HEAPU8.subarray(this.packetOut, this.packetOut + bytes));
  }

  /** Frees the wasm state of both directions. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const module = this.module;
    module.OpusScriptHandler.destroy_handler(this.handler);
    for (const pointer of [this.pcmIn, this.packetIn, this.packetOut, this.pcmOut]) {
      module._free(pointer);
    }
  }
}
