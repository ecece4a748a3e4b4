import { createRequire } from 'node:module';

/** The Realtime API's PCM rate; Opus codes it natively (RTP timestamps still tick at 48 kHz). */
export const CALL_SAMPLE_RATE = 24000;
/** One Opus frame: 20 ms, what browsers send and expect. */
export const FRAME_MS = 20;
/** Samples per 20 ms frame at 24 kHz. */
export const FRAME_SAMPLES = (CALL_SAMPLE_RATE * FRAME_MS) / 1000;
/** RTP clock ticks per frame (Opus's RTP clock is always 48 kHz, RFC 7587). */
export const RTP_TICKS_PER_FRAME = (48000 * FRAME_MS) / 1000;

const OPUS_SET_COMPLEXITY = 4010;
const OPUS_APPLICATION_VOIP = 2048;
/**
 * The emulator speaks synthetic voice: complexity 0 costs about a tenth of the default 10
 * (measured: 10 s of audio in ~0.18 s against ~1.7 s with opusscript's wasm build on this
 * machine), which is what lets one emulator carry hundreds of calls.
 */
const ENCODER_COMPLEXITY = 0;
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
 * Opus in and out of one call, mono at 24 kHz: the microphone's packets decoded to PCM16 for the
 * VAD and the input buffer, the reply's PCM16 encoded into 20 ms packets. `opusscript` runs libopus
 * as WebAssembly, so nothing native is installed. One native handler holds both directions; its
 * buffers are allocated at the sizes the C++ side uses, and every call views the heap afresh, so a
 * heap that grew while hundreds of calls were open is read and written where it now is.
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
  private disposed = false;

  constructor() {
    const module = this.module;
    this.handler = new module.OpusScriptHandler(CALL_SAMPLE_RATE, 1, OPUS_APPLICATION_VOIP);
    this.pcmIn = module._malloc(FRAME_SAMPLES * 2 * 2);
    this.packetIn = module._malloc(MAX_PACKET_BYTES);
    this.packetOut = module._malloc(MAX_PACKET_BYTES);
    this.pcmOut = module._malloc(MAX_DECODED_SAMPLES * 2 * 2);
    this.handler._encoder_ctl(OPUS_SET_COMPLEXITY, ENCODER_COMPLEXITY);
  }

  /** One Opus packet to PCM16 little-endian (a fresh buffer); a corrupt packet gives `null`. */
  decode(packet: Buffer): Buffer | null {
    if (this.disposed || packet.length === 0 || packet.length > MAX_PACKET_BYTES) return null;
    this.module.HEAPU8.set(packet, this.packetIn);
    const samples = this.handler._decode(this.packetIn, packet.length, this.pcmOut);
    if (samples < 0) return null;
    // Each 16-bit word holds one byte of the PCM16 output: Buffer.from keeps the low byte of each.
    return Buffer.from(new Uint16Array(this.module.HEAPU8.buffer, this.pcmOut, samples * 2));
  }

  /** Exactly {@link FRAME_SAMPLES} PCM16 samples (little-endian bytes) to one Opus packet. */
  encode(pcm: Buffer): Buffer {
    if (this.disposed) throw new Error('OpusCodec: encode after dispose');
    if (pcm.length !== FRAME_SAMPLES * 2) {
      throw new RangeError(
        `OpusCodec: a frame is ${FRAME_SAMPLES * 2} bytes of PCM16, got ${pcm.length}`,
      );
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
