// Tiny measuring helper shared by the benchmarks: warm up, then take the median throughput of
// several timed rounds, so a burst of load from other processes skews one round, not the result.

/** Operations per second of `fn` (median of `rounds` rounds of about `roundMs` each). */
export function throughput(fn, { rounds = 7, roundMs = 250, warmupMs = 200 } = {}) {
  let sink = 0;
  const warmupEnd = performance.now() + warmupMs;
  while (performance.now() < warmupEnd) sink ^= consume(fn());
  const results = [];
  for (let round = 0; round < rounds; round++) {
    let count = 0;
    const start = performance.now();
    let now = start;
    while (now - start < roundMs) {
      sink ^= consume(fn());
      count++;
      if ((count & 7) === 0) now = performance.now();
    }
    now = performance.now();
    results.push((count * 1000) / (now - start));
  }
  globalThis.__benchSink = sink;
  results.sort((a, b) => a - b);
  return results[Math.floor(results.length / 2)];
}

// Touch the result so the work cannot be optimized away (a string's last char forces a flat copy).
function consume(value) {
  if (typeof value === 'string') return value.charCodeAt(value.length - 1);
  if (value && typeof value === 'object' && 'length' in value) return value.length;
  return value ? 1 : 0;
}

/** A benchmark row in the shape the root aggregator reads. */
export function row(
  name,
  value,
  unit,
  { baseline = null, baselineValue = null, target = null, minRatio = null } = {},
) {
  const ratio = baselineValue ? value / baselineValue : null;
  return {
    name,
    value,
    unit,
    baseline,
    baselineValue,
    ratio,
    target,
    pass: minRatio === null || ratio === null ? null : ratio >= minRatio,
  };
}
