// Timestamps of latency probes inside a bench child (relay or emulator), on the machine-wide
// monotonic clock the load generator also uses, so that the relay's own share of each probe's
// round trip can be computed: (relay forwards the probe − driver sent it) + (relay forwards the
// answer − emulator sent it). That is the time a probe spends waiting for and inside the relay
// on both legs, without the emulator's and the driver's own time, which a direct connection has
// too. Only frames under 200 bytes are looked at; audio frames pass untouched.
const now = () => Number(process.hrtime.bigint()) / 1e6;
const probeId = /"event_id":"(probe_[0-9.]+)"/;

/**
 * Streamed audio frames carry their send time: the first 9 bytes of the PCM are a float64 (the
 * driver's clock, as above) and a path byte (0 direct, 1 relayed), i.e. the first 12 base64
 * characters after this prefix. The emulator records each frame's one-way latency on arrival.
 */
export const appendPrefix = '{"type":"input_audio_buffer.append","audio":"';
const appendPrefixBytes = Buffer.from(appendPrefix);
const stampChars = 12;

/** An append frame of 960 bytes of silence whose first 9 bytes say when and on which path it left. */
export function stampedFrame(path, tail) {
  const stamp = Buffer.alloc(9);
  stamp.writeDoubleLE(now(), 0);
  stamp[8] = path === 'relay' ? 1 : 0;
  return appendPrefix + stamp.toString('base64') + tail;
}
/** What follows the stamp in every frame: the rest of the 960 bytes, and the closing. */
export const stampedFrameTail = Buffer.alloc(960 - 9).toString('base64') + '"}';

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Patches the `ws` WebSocket class given (the one the relay or the emulator uses); `role` is
 * 'relay' or 'emulator'. Answers `probe-trace` over IPC with the records since the last call.
 */
export function traceProbes(role, WebSocket) {
  const records = new Map();
  const oneWay = { direct: [], relay: [] };
  const bySocket = new WeakMap();
  let reading = null;
  let answering = null;
  const emit = WebSocket.prototype.emit;
  WebSocket.prototype.emit = function (name, data, ...rest) {
    if (
      role === 'emulator' &&
      name === 'message' &&
      data.length > appendPrefixBytes.length + stampChars &&
      appendPrefixBytes.compare(data, 0, appendPrefixBytes.length) === 0
    ) {
      const start = appendPrefixBytes.length;
      const stamp = Buffer.from(data.toString('latin1', start, start + stampChars), 'base64');
      (stamp[8] === 1 ? oneWay.relay : oneWay.direct).push(now() - stamp.readDoubleLE(0));
    } else if (name === 'message' && data.length < 200) {
      const text = data.toString();
      if (text.includes('"input_audio_buffer.clear"')) {
        const id = probeId.exec(text)?.[1];
        if (id) {
          const record = { read: now() };
          records.set(id, record);
          if (role === 'relay') reading = record;
          else bySocket.set(this, record);
        }
      } else if (role === 'relay' && text.includes('"input_audio_buffer.cleared"')) {
        answering = bySocket.get(this) ?? null;
        bySocket.delete(this);
      }
    }
    return emit.call(this, name, data, ...rest);
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data, ...rest) {
    if (data.length < 200) {
      const text = data.toString();
      if (role === 'relay' && reading && text.includes('"input_audio_buffer.clear"')) {
        reading.forwarded = now();
        bySocket.set(this, reading);
        reading = null;
      } else if (text.includes('"input_audio_buffer.cleared"')) {
        if (role === 'relay' && answering) {
          answering.answered = now();
          answering = null;
        } else if (role === 'emulator') {
          const record = bySocket.get(this);
          if (record) record.answered = now();
          bySocket.delete(this);
        }
      }
    }
    return send.call(this, data, ...rest);
  };
  process.on('message', (command) => {
    if (command === 'one-way') {
      // Percentiles of the audio frames' one-way latency per path since the last call.
      const summary = {};
      for (const [path, values] of Object.entries(oneWay)) {
        const sorted = values.splice(0).sort((a, b) => a - b);
        summary[path] = {
          frames: sorted.length,
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
          p999: percentile(sorted, 99.9),
        };
      }
      process.send?.({ oneWay: summary });
      return;
    }
    if (command !== 'probe-trace') return;
    process.send?.({ probes: Object.fromEntries(records) });
    records.clear();
  });
}
