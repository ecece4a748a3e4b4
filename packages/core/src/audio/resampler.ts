// Streaming sample-rate converter: a Kaiser-windowed sinc low-pass evaluated as a polyphase FIR.
// It is self-contained (no imports, no DOM or Node APIs) so that the audio worklets can bundle
// it into their processors unchanged.
//
// Output sample n sits at input position n·M/L (L/M = outputRate/inputRate reduced), computed
// with exact integer arithmetic, so chunk boundaries never shift the phase: feeding a signal in
// any chunking yields the same samples, bit for bit, as feeding it at once.

/** Options of {@link createResampler}. */
export interface ResamplerOptions {
  /** Sample rate of the input, in Hz (a positive integer, e.g. 48000 or 44100). */
  inputRate: number;
  /** Sample rate of the output, in Hz (a positive integer, e.g. 24000). */
  outputRate: number;
  /**
   * Stop-band attenuation in dB of the anti-aliasing / anti-imaging filter (default 80). Higher
   * means more taps; 60 is plenty for speech, 80 leaves margin.
   */
  attenuationDb?: number;
  /**
   * Start of the transition band as a fraction of the lower Nyquist frequency (default 0.75:
   * flat to 9 kHz when the lower rate is 24 kHz; fully attenuated at its Nyquist, 12 kHz).
   */
  passband?: number;
}

/** A streaming resampler; keep one per stream, it carries filter state across chunks. */
export interface Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Filter delay, in output samples: how far the output lags until {@link Resampler.flush}. */
  readonly latency: number;
  /** Resamples the next chunk (any length, including 0) and returns the output it completes. */
  process(input: ArrayLike<number>): Float32Array;
  /**
   * Like {@link Resampler.process} without allocating, for audio threads: writes the output into
   * `output` and returns how many samples it wrote. If `output` is too short, the rest is kept
   * and comes out on the next call; size it with {@link Resampler.maxOutputLength} to avoid that.
   */
  processInto(input: ArrayLike<number>, output: Float32Array): number;
  /** The most samples one call with `inputLength` input samples can produce (nothing pending). */
  maxOutputLength(inputLength: number): number;
  /**
   * Ends the stream: returns the remaining output, so that the total output length is exactly
   * `ceil(totalInput · outputRate / inputRate)`. The resampler is then reset.
   */
  flush(): Float32Array;
  /** Forgets all state (history and position), e.g. when the input device changes. */
  reset(): void;
}

const maxPhases = 1024;

function greatestCommonDivisor(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

// Zeroth-order modified Bessel function of the first kind, by its power series.
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const half = x / 2;
  for (let k = 1; k < 64; k++) {
    term *= (half / k) * (half / k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

interface FilterDesign {
  coefficients: Float32Array;
  taps: number;
  phases: number;
}

// Designs cost a few milliseconds for rate pairs with many phases; devices switch back and forth
// between the same few rates, so recent designs are kept.
const designs = new Map<string, FilterDesign>();

function designFilter(
  inputRate: number,
  outputRate: number,
  up: number,
  attenuation: number,
  passband: number,
): FilterDesign {
  const key = `${inputRate}:${outputRate}:${attenuation}:${passband}`;
  const cached = designs.get(key);
  if (cached) return cached;
  const phases = Math.min(up, maxPhases);
  // Filter design, in units of input samples. The cutoff sits mid-transition; the transition
  // ends at the lower Nyquist frequency so nothing above it survives to alias.
  const nyquist = Math.min(inputRate, outputRate) / 2;
  const transition = (nyquist * (1 - passband)) / inputRate; // cycles per input sample
  const cutoff = (nyquist * (1 + passband)) / 2 / inputRate;
  const beta =
    attenuation > 50
      ? 0.1102 * (attenuation - 8.7)
      : attenuation >= 21
        ? 0.5842 * (attenuation - 21) ** 0.4 + 0.07886 * (attenuation - 21)
        : 0;
  const order = Math.ceil((attenuation - 7.95) / (2.285 * 2 * Math.PI * transition));
  const taps = Math.max(4, order + (order % 2)); // even: the window is centred between taps
  const half = taps / 2;
  const windowNorm = besselI0(beta);

  const coefficients = new Float32Array(phases * taps);
  for (let phase = 0; phase < phases; phase++) {
    const fraction = phase / phases;
    let sum = 0;
    for (let tap = 0; tap < taps; tap++) {
      // Distance from the output position (i + fraction) to input sample i - half + 1 + tap.
      const t = fraction + half - 1 - tap;
      const ratio = t / half;
      const window =
        Math.abs(ratio) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - ratio * ratio)) / windowNorm;
      const x = 2 * cutoff * t;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const value = 2 * cutoff * sinc * window;
      coefficients[phase * taps + tap] = value;
      sum += value;
    }
    // Unity gain at DC for every phase, so a constant input stays constant.
    for (let tap = 0; tap < taps; tap++) coefficients[phase * taps + tap]! /= sum;
  }

  const design = { coefficients, taps, phases };
  if (designs.size >= 16) designs.delete(designs.keys().next().value!);
  designs.set(key, design);
  return design;
}

/**
 * Creates a streaming resampler from `inputRate` to `outputRate` with an anti-aliasing low-pass
 * (when downsampling) or anti-imaging low-pass (when upsampling). Equal rates pass through.
 *
 * @example
 * ```ts
 * const resampler = createResampler({ inputRate: 48000, outputRate: 24000 });
 * const out = resampler.process(micFrame); // Float32Array at 24 kHz
 * ```
 */
export function createResampler(options: ResamplerOptions): Resampler {
  const { inputRate, outputRate } = options;
  const { attenuation, passband } = checkedOptions(options);
  if (inputRate === outputRate) return passThrough(inputRate);
  const divisor = greatestCommonDivisor(inputRate, outputRate);
  const up = outputRate / divisor; // L
  const down = inputRate / divisor; // M
  const { coefficients, taps, phases } = designFilter(
    inputRate,
    outputRate,
    up,
    attenuation,
    passband,
  );
  const half = taps / 2;

  // `history` holds input samples from absolute index `historyStart` on; the stream starts with
  // `half - 1` zeros before sample 0 so the first output is centred on input sample 0.
  let history = new Float32Array(4096);
  let historyLength = 0;
  let historyStart = 0;
  let outputIndex = 0; // next output sample n
  let consumed = 0; // input samples received so far

  function reset(): void {
    history.fill(0, 0, half - 1);
    historyLength = half - 1;
    historyStart = -(half - 1);
    outputIndex = 0;
    consumed = 0;
  }
  reset();

  function append(input: ArrayLike<number>): void {
    history = appendSamples(history, historyLength, input);
    historyLength += input.length;
  }

  // Produces every output whose window lies inside the history, then drops consumed history.
  function pending(limit: number): number {
    // Output n needs input up to floor(n·M/L) + half, absolute.
    const available = historyStart + historyLength; // absolute index one past the last sample
    // Outputs with floor(n·M/L) + half < available, i.e. n < (available - half)·L/M.
    const bound = available - half;
    const last = bound <= 0 ? 0 : Math.ceil((bound * up) / down);
    return Math.max(0, Math.min(last, limit) - outputIndex);
  }

  // Writes the next `count` outputs into `output`, then drops the history no output needs.
  function render(count: number, output: Float32Array): void {
    for (let k = 0; k < count; k++) {
      const n = outputIndex + k;
      const position = n * down;
      const base = Math.floor(position / up);
      const remainder = position - base * up;
      const phase = phases === up ? remainder : Math.floor((remainder * phases) / up);
      const start = base - half + 1 - historyStart;
      const offset = phase * taps;
      let acc = 0;
      for (let tap = 0; tap < taps; tap++)
        acc += coefficients[offset + tap]! * history[start + tap]!;
      output[k] = acc;
    }
    outputIndex += count;
    const nextBase = Math.floor((outputIndex * down) / up) - half + 1;
    const drop = Math.max(0, Math.min(historyLength, nextBase - historyStart));
    if (drop > 0) {
      history.copyWithin(0, drop, historyLength);
      historyLength -= drop;
      historyStart += drop;
    }
  }

  function drain(limit: number): Float32Array {
    const output = new Float32Array(pending(limit));
    render(output.length, output);
    return output;
  }

  return {
    inputRate,
    outputRate,
    latency: Math.ceil((half * up) / down),
    process(input) {
      consumed += input.length;
      append(input);
      return drain(Number.POSITIVE_INFINITY);
    },
    processInto(input, output) {
      consumed += input.length;
      append(input);
      const count = Math.min(pending(Number.POSITIVE_INFINITY), output.length);
      render(count, output);
      return count;
    },
    maxOutputLength(inputLength) {
      return Math.ceil((inputLength * up) / down) + 1;
    },
    flush() {
      const total = Math.ceil((consumed * up) / down);
      append(new Float32Array(half));
      const output = drain(total);
      reset();
      return output;
    },
    reset,
  };
}

/**
 * Writes `input` after the first `length` samples of `buffer` (grown, copied, when too short) and
 * returns the buffer that holds them.
 */
function appendSamples(
  buffer: Float32Array<ArrayBuffer>,
  length: number,
  input: ArrayLike<number>,
): Float32Array<ArrayBuffer> {
  let target = buffer;
  const needed = length + input.length;
  if (needed > target.length) {
    target = new Float32Array(Math.max(needed, target.length * 2));
    target.set(buffer.subarray(0, length));
  }
  for (let index = 0; index < input.length; index++) {
    const sample = input[index]!;
    // NaN or ±Infinity would smear over a whole filter length of output; treat them as silence.
    target[length + index] = sample - sample === 0 ? sample : 0;
  }
  return target;
}

/** The options' rates checked, and the filter parameters with their defaults. */
function checkedOptions(options: ResamplerOptions): { attenuation: number; passband: number } {
  for (const [name, rate] of [
    ['inputRate', options.inputRate],
    ['outputRate', options.outputRate],
  ] as const) {
    if (!Number.isInteger(rate) || rate <= 0) {
      throw new RangeError(`createResampler: ${name} must be a positive integer, got ${rate}`);
    }
  }
  const passband = options.passband ?? 0.75;
  if (!(passband > 0 && passband < 1))
    throw new RangeError('createResampler: passband must be in (0, 1)');
  return { attenuation: options.attenuationDb ?? 80, passband };
}

/** Equal rates: samples pass through unchanged, with no delay and nothing kept. */
function passThrough(rate: number): Resampler {
  return {
    inputRate: rate,
    outputRate: rate,
    latency: 0,
    process: (input) => Float32Array.from(input),
    processInto(input, output) {
      if (output.length < input.length) {
        throw new RangeError(
          `processInto: output holds ${output.length} samples, needs ${input.length}`,
        );
      }
      for (let index = 0; index < input.length; index++) output[index] = input[index]!;
      return input.length;
    },
    maxOutputLength: (inputLength) => inputLength,
    flush: () => new Float32Array(0),
    reset: () => {},
  };
}
