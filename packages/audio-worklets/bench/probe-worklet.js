// Bench-only AudioWorkletProcessor: reports the context frame of the first sound after silence
// and of the first silence after sound at its input, so both players are timed the same way.
class ProbeProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.sounding = false;
  }

  process(inputs) {
    // A disconnected input has no channels at all: that is silence too.
    const input = inputs[0]?.[0];
    for (let index = 0; index < 128; index++) {
      const sounding = input !== undefined && input[index] !== 0;
      if (sounding !== this.sounding) {
        this.sounding = sounding;
        this.port.postMessage({
          type: sounding ? 'sound' : 'silence',
          frame: currentFrame + index,
        });
      }
    }
    return true;
  }
}

registerProcessor('bench-probe', ProbeProcessor);

// Reference for capture latency: hands every render quantum to the main thread at once, the
// least any worklet capture can add.
class TapProcessor extends AudioWorkletProcessor {
  process(inputs) {
    const input = inputs[0]?.[0];
    if (input) this.port.postMessage({ type: 'frame', samples: input.slice() });
    return true;
  }
}

registerProcessor('bench-tap', TapProcessor);
