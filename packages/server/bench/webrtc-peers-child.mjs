// WebRTC browsers for bench/session-cpu.mjs, in their own process so that their werift work
// (ICE, DTLS, SRTP, RTP timers) is not counted in the Parley server's or the driver's CPU.
// Each peer offers a microphone track and the `oai-events` data channel, posts the offer to
// Parley's `POST /api/calls`, and once connected can stream a silent microphone (one 20 ms Opus
// packet every 20 ms) and ask a typed question every few seconds over the data channel (answered
// aloud on the remote track).
// argv: <Parley url> <agent id>. IPC: {open: n} → {opened, failed}; 'stream' / 'pause';
// 'received' → {bytes} (data-channel bytes since the last ask); 'close'.
import {
  MediaStreamTrack,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
} from 'werift';

const [base, agentId] = process.argv.slice(2);
/** One 20 ms Opus frame of silence (CELT, full band, mono). */
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);
const QUESTION_EVERY_MS = 3000;
const peers = [];
let received = 0;
let streaming = false;

async function placeCall() {
  const peer = new RTCPeerConnection({
    codecs: {
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
      video: [],
    },
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceUseIpv6: false,
  });
  const channel = peer.createDataChannel('oai-events');
  const microphone = new MediaStreamTrack({ kind: 'audio' });
  peer.addTransceiver(microphone, { direction: 'sendrecv' });
  channel.onMessage.subscribe((data) => (received += data.length));
  await peer.setLocalDescription(await peer.createOffer());
  while (peer.iceGatheringState !== 'complete') await new Promise((r) => setTimeout(r, 10));
  const response = await fetch(`${base}/api/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agentId, sdp: peer.localDescription.sdp }),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`calls answered ${response.status}: ${text}`);
  await peer.setRemoteDescription({ type: 'answer', sdp: JSON.parse(text).sdp });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('data channel did not open')), 30_000);
    peer.connectionStateChange.subscribe((state) => {
      if (state === 'failed') reject(new Error('DTLS failed'));
    });
    channel.stateChange.subscribe((state) => {
      if (state === 'open') {
        clearTimeout(timer);
        resolve();
      }
    });
  }).catch(async (error) => {
    await peer.close();
    throw error;
  });
  return { peer, channel, microphone, seq: 1, ts: 0 };
}

/** Opens `count` calls, `parallel` at a time, retrying a failed handshake once. */
async function open(count, parallel = 4) {
  let failed = 0;
  let left = count;
  const worker = async () => {
    while (left > 0) {
      left -= 1;
      try {
        peers.push(await placeCall().catch(() => placeCall()));
      } catch {
        failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return { opened: peers.length, failed };
}

// One 2 ms timer drives every peer at its own phase in the 20 ms period (as bench/session-cpu.mjs
// drives the WebSocket sessions), and every peer asks its question at its own phase too.
let tick = 0;
const started = performance.now();
function drive() {
  if (streaming) {
    const slot = tick % 10;
    for (let i = slot; i < peers.length; i += 10) {
      const p = peers[i];
      const header = new RtpHeader({ payloadType: 111, sequenceNumber: p.seq, timestamp: p.ts });
      p.seq = (p.seq + 1) & 0xffff;
      p.ts += 960;
      p.microphone.writeRtp(new RtpPacket(header, OPUS_SILENCE));
    }
    const phase = tick % (QUESTION_EVERY_MS / 2);
    for (let i = 0; i < peers.length; i += 1)
      if (Math.floor((i * QUESTION_EVERY_MS) / 2 / peers.length) === phase) ask(peers[i].channel);
  }
  tick += 1;
  setTimeout(drive, Math.max(0, started + tick * 2 - performance.now()));
}
drive();

function ask(channel) {
  const item = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] };
  channel.send(JSON.stringify({ type: 'conversation.item.create', item }));
  // Answered aloud, as the relayed sessions are: the reply's audio goes from the emulator to the
  // peer over RTP, never through the server, which sees only the sideband's events.
  channel.send('{"type":"response.create"}');
}

process.on('message', async (command) => {
  if (command?.open) process.send(await open(command.open));
  else if (command === 'stream' || command === 'pause') {
    streaming = command === 'stream';
    process.send({ ok: true });
  } else if (command === 'received') {
    process.send({ bytes: received });
    received = 0;
  } else if (command === 'close') {
    await Promise.all(peers.map(({ peer }) => peer.close().catch(() => undefined)));
    process.send({ ok: true });
    process.exit(0);
  }
});
process.stdout.write('{"ready":true}\n');
