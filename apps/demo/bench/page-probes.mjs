// What apps/demo/bench/run.mjs installs in the demo's page: the same two probes on every transport
// and protocol, so the four conversations are measured alike.
//
// - The microphone: every stream `getUserMedia` hands the page (the audio port's on the WebSocket
//   relay, the WebRTC transport's otherwise: one per conversation) also feeds an AnalyserNode in a
//   context of the bench's own. Its samples are scanned by the servers' energy-VAD rule (10 ms
//   windows louder than the threshold's dBFS level), so the end of each utterance is known on the
//   page's clock to the sample: the same samples the transport sends.
// - What the listener hears: on the WebSocket relay, the output of the playback worklet (the node
//   that renders the agent's audio to the speakers); over WebRTC, the remote track (after RTP,
//   the jitter buffer and Opus decoding), through an AnalyserNode in the same way. An onset is the
//   first sample above -50 dBFS after at least 300 ms below it.
//
// Both analysers are read every 2 ms; each read takes only the samples rendered since the last
// (the context's clock says how many) and dates each sample back from the read by its distance
// from the newest one, so the timer's lateness does not add to either edge.
//
// Both functions are serialised into the page: they use nothing from this module's scope.

/** Installed before the page loads (`page.addInitScript`): the two probes. */
export function installAudioProbes() {
  const bench = {
    speechEnds: [],
    onsets: [],
    threshold: 0.5,
    silenceMs: null,
    modelWaits: [],
    /** When each answer began on the wire (response.created; Live: its first output fragment). */
    answers: [],
    /** What was tapped, in order: 'microphone' or 'output' (a check that each side was found). */
    tapped: [],
    /**
     * The stages of each answer as the page sees them (page clock): `stages[type]` lists when
     * each of the turn's server events arrived (input_audio_buffer.speech_stopped,
     * response.created, the first audio: output_audio_buffer.started over WebRTC, the first
     * response.output_audio.delta of a response on the WebSocket relay; GPT-Live on the relay,
     * when the answer's first sound would play were its output chunk played on arrival).
     */
    stages: { speechStopped: [], responseCreated: [], firstAudio: [] },
    /**
     * Over WebRTC, when the receiver played out the first packet after a silence of 300 ms or more
     * (its synchronization source's playout time: the jitter buffer let it go), page clock.
     */
    playouts: [],
    /** Over WebRTC, at each onset: the jitter buffer's target delay as it last played (inbound-rtp). */
    jitter: [],
  };
  window.bench = bench;
  const taps = [];
  const OUTPUT_LEVEL = 0.003; // -50 dBFS
  const ONSET_AFTER_QUIET_MS = 300;
  const SPEECH_END_AFTER_QUIET_MS = 400;

  /** The servers' VAD rule over 10 ms windows, at the context's rate. */
  const speechEndDetector = (sampleRate) => {
    const windowSize = Math.round(sampleRate / 100);
    let energy = 0;
    let fill = 0;
    let lastLoudAt = null;
    let quietMs = 0;
    return (sample, at) => {
      energy += sample * sample;
      fill += 1;
      if (fill < windowSize) return;
      const level = Math.pow(10, (-60 + Math.min(1, Math.max(0, bench.threshold)) * 50) / 10);
      if (energy / windowSize > level) {
        lastLoudAt = at;
        quietMs = 0;
      } else if (lastLoudAt !== null) {
        quietMs += 10;
        if (quietMs >= SPEECH_END_AFTER_QUIET_MS) {
          bench.speechEnds.push(lastLoudAt);
          lastLoudAt = null;
          quietMs = 0;
        }
      }
      energy = 0;
      fill = 0;
    };
  };

  const onsetDetector = () => {
    let lastLoudAt = -Infinity;
    return (sample, at) => {
      if (Math.abs(sample) <= OUTPUT_LEVEL) return;
      if (at - lastLoudAt > ONSET_AFTER_QUIET_MS) {
        bench.onsets.push(at);
        if (latestStats) bench.jitter.push({ at, ...latestStats });
      }
      lastLoudAt = at;
    };
  };

  const tap = (context, source, kind) => {
    bench.tapped.push(kind);
    const analyser = context.createAnalyser();
    analyser.fftSize = 32768; // 0.68 s at 48 kHz: a read may be that late without losing samples
    source.connect(analyser);
    taps.push({
      context,
      analyser,
      buffer: new Float32Array(analyser.fftSize),
      lastFrame: null,
      push: kind === 'microphone' ? speechEndDetector(context.sampleRate) : onsetDetector(),
    });
  };

  setInterval(() => {
    const now = performance.now();
    watchPlayout();
    for (const probe of taps) {
      const frame = Math.round(probe.context.currentTime * probe.context.sampleRate);
      const fresh =
        probe.lastFrame === null ? 0 : Math.min(frame - probe.lastFrame, probe.buffer.length);
      probe.lastFrame = frame;
      if (fresh <= 0) continue;
      probe.analyser.getFloatTimeDomainData(probe.buffer);
      const msPerSample = 1000 / probe.context.sampleRate;
      const last = probe.buffer.length - 1;
      for (let i = probe.buffer.length - fresh; i <= last; i += 1) {
        probe.push(probe.buffer[i], now - (last - i) * msPerSample);
      }
    }
  }, 2);

  // Over WebRTC: the remote track's inbound-rtp stats every 50 ms, for the jitter buffer's target
  // delay (what NetEq aims to hold before it plays) over the samples it played since the last look.
  const peers = [];
  let latestStats = null;
  let previous = null;
  setInterval(async () => {
    for (const peer of peers) {
      if (peer.connectionState !== 'connected') continue;
      const report = await peer.getStats();
      for (const stats of report.values()) {
        if (stats.type !== 'inbound-rtp' || stats.kind !== 'audio') continue;
        const emitted = stats.jitterBufferEmittedCount ?? 0;
        const target = stats.jitterBufferTargetDelay ?? 0;
        const fresh = previous ? emitted - previous.emitted : 0;
        // Nothing played since the last look (the silence before an answer): the last figure.
        if (fresh > 0) latestStats = { targetMs: ((target - previous.target) / fresh) * 1000 };
        if (fresh > 0 || !previous) previous = { emitted, target };
      }
    }
  }, 50);

  // The remote track's playout, from its synchronization source: `timestamp` is when the last
  // packet's audio left the jitter buffer (on the epoch clock in Chromium: brought to the page's).
  let lastPlayout = null;
  function watchPlayout() {
    for (const peer of peers) {
      for (const receiver of peer.getReceivers()) {
        if (receiver.track.kind !== 'audio') continue;
        const source = receiver.getSynchronizationSources()[0];
        if (!source || source.timestamp === lastPlayout) continue;
        const at =
          source.timestamp > 1e12 ? source.timestamp - performance.timeOrigin : source.timestamp;
        const previousAt =
          lastPlayout === null
            ? null
            : lastPlayout > 1e12
              ? lastPlayout - performance.timeOrigin
              : lastPlayout;
        if (previousAt === null || at - previousAt >= ONSET_AFTER_QUIET_MS) bench.playouts.push(at);
        lastPlayout = source.timestamp;
      }
    }
  }

  let context = null;
  const benchContext = () => {
    if (context === null) context = new AudioContext();
    void context.resume();
    return context;
  };

  const devices = navigator.mediaDevices;
  const getUserMedia = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    if (stream.getAudioTracks().length > 0) {
      const own = benchContext();
      tap(own, own.createMediaStreamSource(stream), 'microphone');
    }
    return stream;
  };

  const NativeWorkletNode = window.AudioWorkletNode;
  window.AudioWorkletNode = class extends NativeWorkletNode {
    constructor(...args) {
      super(...args);
      if (args[1] === 'parley-playback') tap(args[0], this, 'output');
    }
  };

  const NativePeer = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePeer {
    constructor(...args) {
      super(...args);
      peers.push(this);
      this.addEventListener('track', (event) => {
        if (event.track.kind !== 'audio') return;
        const own = benchContext();
        tap(own, own.createMediaStreamSource(new MediaStream([event.track])), 'output');
      });
    }
  };
}

/**
 * Installed once the demo built its session: the deliberate wait of each turn as the server side
 * states it. Realtime: the server VAD's silence window and threshold (session.updated). GPT-Live
 * (the model owns turns; no turn events on the wire): from the timed transcript fragments, the
 * model's own timeline from the end of the user's speech (the last input fragment's end_ms) to
 * the moment the 100 ms output chunk that starts the answer has been produced and the answer's
 * first word is reached in it (the first output fragment's start_ms + 100 ms): its silence window,
 * the wait for the next chunk boundary and the chunk's length, none of which is Parley's.
 */
export function installSessionProbes() {
  const bench = window.bench;
  let lastInputEndMs = null;
  const audible = new Set();
  // GPT-Live over the relay: the answer's first sound is found in the output chunks (the track is
  // continuous, zero-filled between replies) once the answer's first transcript fragment came.
  let awaitingSound = false;
  let outputRate = 24000;
  /** Ms into a PCM16 chunk of its first sample above -50 dBFS, or null. */
  const firstSoundMs = (delta) => {
    const bytes = atob(delta);
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      const sample = ((bytes.charCodeAt(i) | (bytes.charCodeAt(i + 1) << 8)) << 16) >> 16;
      if (Math.abs(sample) > 0.003 * 32768) return (i / 2 / outputRate) * 1000;
    }
    return null;
  };
  window.parley.session.on('serverEvent', (event) => {
    const now = performance.now();
    if (event.type === 'response.created') bench.answers.push(now);
    if (event.type === 'input_audio_buffer.speech_stopped') bench.stages.speechStopped.push(now);
    if (event.type === 'response.created') bench.stages.responseCreated.push(now);
    if (event.type === 'output_audio_buffer.started') bench.stages.firstAudio.push(now);
    if (event.type === 'response.output_audio.delta' && !audible.has(event.response_id)) {
      audible.add(event.response_id);
      bench.stages.firstAudio.push(now);
    }
    if (event.type === 'session.started' && event.session?.audio?.format?.rate)
      outputRate = event.session.audio.format.rate;
    // When the first sound would be heard were its chunk played on arrival.
    if (event.type === 'session.output_audio.delta' && awaitingSound) {
      const offsetMs = firstSoundMs(event.delta);
      if (offsetMs !== null) {
        bench.stages.firstAudio.push(now + offsetMs);
        awaitingSound = false;
      }
    }
    const detection = event.session?.audio?.input?.turn_detection;
    if (detection && typeof detection.silence_duration_ms === 'number')
      bench.silenceMs = detection.silence_duration_ms;
    if (detection && typeof detection.threshold === 'number') bench.threshold = detection.threshold;
    if (event.type === 'session.input_transcript.delta' && typeof event.end_ms === 'number') {
      lastInputEndMs = event.end_ms;
    } else if (
      event.type === 'session.output_transcript.delta' &&
      typeof event.start_ms === 'number' &&
      lastInputEndMs !== null
    ) {
      bench.modelWaits.push({ at: performance.now(), ms: event.start_ms + 100 - lastInputEndMs });
      bench.answers.push(performance.now());
      lastInputEndMs = null;
      awaitingSound = true;
    }
  });
}
