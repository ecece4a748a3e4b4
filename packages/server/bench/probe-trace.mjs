// Timestamps of latency probes inside a bench child (relay or emulator), on the machine-wide
// monotonic clock the load generator also uses, so that the relay's own share of each probe's
// round trip can be computed: (relay forwards the probe − driver sent it) + (relay forwards the
// answer − emulator sent it). That is the time a probe spends waiting for and inside the relay
// on both legs, without the emulator's and the driver's own time, which a direct connection has
// too. Only frames under 200 bytes are looked at; audio frames pass untouched.
const now = () => Number(process.hrtime.bigint()) / 1e6;
const probeId = /"event_id":"(probe_[0-9.]+)"/;

/**
 * Patches the `ws` WebSocket class given (the one the relay or the emulator uses); `role` is
 * 'relay' or 'emulator'. Answers `probe-trace` over IPC with the records since the last call.
 */
export function traceProbes(role, WebSocket) {
  const records = new Map();
  const bySocket = new WeakMap();
  let reading = null;
  let answering = null;
  const emit = WebSocket.prototype.emit;
  WebSocket.prototype.emit = function (name, data, ...rest) {
    if (name === 'message' && data.length < 200) {
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
    if (command !== 'probe-trace') return;
    process.send?.({ probes: Object.fromEntries(records) });
    records.clear();
  });
}
