/** Reads a stored recording back: demuxes the Ogg file with mediabunny and decodes it with libopus. */
import { OpusCodec } from '@parley/emulator/opus';
import { ALL_FORMATS, BufferSource, EncodedPacketSink, Input } from 'mediabunny';

/** What a recording holds once decoded (at 24 kHz, the rate it was recorded at). */
export interface DecodedRecording {
  mimeType: string;
  channels: number;
  durationSeconds: number;
  decodedSeconds: number;
  /** RMS level (0..1) per channel and 100 ms window. */
  levels: [number[], number[]];
}

/** Decodes every packet; throws if the file is not Ogg Opus. */
export async function decodeRecording(bytes: Uint8Array): Promise<DecodedRecording> {
  const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS });
  const track = await input.getPrimaryAudioTrack();
  if (!track) throw new Error('no audio track');
  const decoder = new OpusCodec({ channels: 2 });
  const left: number[] = [];
  const right: number[] = [];
  let samples = 0;
  let sumLeft = 0;
  let sumRight = 0;
  let window = 0;
  for await (const packet of new EncodedPacketSink(track).packets()) {
    const pcm = decoder.decode(Buffer.from(packet.data));
    if (pcm === null) throw new Error('a packet did not decode');
    for (let i = 0; i + 3 < pcm.length; i += 4) {
      const l = pcm.readInt16LE(i) / 32768;
      const r = pcm.readInt16LE(i + 2) / 32768;
      sumLeft += l * l;
      sumRight += r * r;
      samples++;
      if (++window === 2400) {
        left.push(Math.sqrt(sumLeft / window));
        right.push(Math.sqrt(sumRight / window));
        sumLeft = sumRight = window = 0;
      }
    }
  }
  decoder.dispose();
  return {
    mimeType: await input.getMimeType(),
    channels: track.numberOfChannels,
    durationSeconds: await input.computeDuration(),
    decodedSeconds: samples / 24000,
    levels: [left, right],
  };
}
