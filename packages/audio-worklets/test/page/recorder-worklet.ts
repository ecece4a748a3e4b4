// Test-only AudioWorkletProcessor: records what reaches its input, frame-stamped, so a test can
// see exactly which render quantum went silent and how many samples an item really rendered.
interface RecorderScope {
  readonly currentFrame: number;
  AudioWorkletProcessor: new () => { readonly port: MessagePort };
  registerProcessor(
    name: string,
    processor: new (options: { processorOptions: { maxFrames: number } }) => unknown,
  ): void;
}
const scope = globalThis as unknown as RecorderScope;

class RecorderProcessor extends scope.AudioWorkletProcessor {
  private samples: Float32Array;
  private length = 0;
  private startFrame = -1;
  private readonly markers: { name: string; frame: number }[] = [];

  constructor(options: { processorOptions: { maxFrames: number } }) {
    super();
    this.samples = new Float32Array(options.processorOptions.maxFrames);
    this.port.onmessage = (
      event: MessageEvent<{ type: 'marker'; name: string } | { type: 'dump' }>,
    ) => {
      if (event.data.type === 'marker') {
        this.markers.push({ name: event.data.name, frame: scope.currentFrame });
      } else {
        const samples = this.samples.slice(0, this.length);
        this.port.postMessage({ startFrame: this.startFrame, samples, markers: this.markers }, [
          samples.buffer,
        ]);
      }
    };
  }

  process(inputs: Float32Array[][]): boolean {
    const input = inputs[0]?.[0];
    if (this.startFrame < 0) this.startFrame = scope.currentFrame;
    const length = input?.length ?? 128;
    if (this.length + length <= this.samples.length) {
      if (input) this.samples.set(input, this.length);
      this.length += length;
    }
    return true;
  }
}

scope.registerProcessor('test-recorder', RecorderProcessor);
