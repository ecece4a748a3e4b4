// The parts of AudioWorkletGlobalScope the processors use. TypeScript's DOM library does not
// describe that scope, and declaring its globals for the whole package would let main-thread code
// use them by mistake, so the processors read them through this typed view of `globalThis`.

/** An AudioWorkletProcessor as seen from a subclass. */
export interface WorkletProcessor {
  readonly port: MessagePort;
}

/** Constructor options the browser passes to a processor. */
export interface WorkletNodeOptions<T> {
  processorOptions?: T;
  numberOfInputs?: number;
  numberOfOutputs?: number;
}

interface AudioWorkletScope {
  readonly sampleRate: number;
  readonly currentFrame: number;
  readonly currentTime: number;
  AudioWorkletProcessor: new () => WorkletProcessor;
  registerProcessor<T>(
    name: string,
    processor: new (options: WorkletNodeOptions<T>) => WorkletProcessor,
  ): void;
}

/** The worklet global scope (only valid inside an AudioWorklet). */
export const scope = globalThis as unknown as AudioWorkletScope;
