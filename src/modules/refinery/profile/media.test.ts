import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { probeMedia, profileImage } from './media.js';

const dir = mkdtempSync(path.join(tmpdir(), 'datadam-media-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A PCM WAV written byte by byte: `seconds` of a 440 Hz tone. */
function wavFile(sampleRate: number, channels: number, seconds: number): Buffer {
  const frames = Math.round(sampleRate * seconds);
  const data = Buffer.alloc(frames * channels * 2);
  for (let f = 0; f < frames; f++) {
    const sample = Math.round(Math.sin((2 * Math.PI * 440 * f) / sampleRate) * 8000);
    for (let c = 0; c < channels; c++) data.writeInt16LE(sample, (f * channels + c) * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** A YUV4MPEG2 video (raw frames behind a text header), which ffprobe reads without any encoder. */
function y4mFile(width: number, height: number, fps: number, frames: number): Buffer {
  const frame = Buffer.alloc((width * height * 3) / 2, 128);
  const parts = [Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, 'latin1')];
  for (let i = 0; i < frames; i++) parts.push(Buffer.from('FRAME\n', 'latin1'), frame);
  return Buffer.concat(parts);
}

describe('profileImage', () => {
  it('reports format and size of a whole image', async () => {
    const file = path.join(dir, 'whole.png');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366cc' } })
      .png()
      .toFile(file);
    expect(await profileImage(file)).toEqual({ format: 'png', width: 64, height: 48, channels: 3, pages: null, hasAlpha: false });
  });

  it('calls a truncated PNG corrupt, though its header still reads', async () => {
    const whole = path.join(dir, 'noise.png');
    const pixels = Buffer.alloc(128 * 128 * 3);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919) % 251; // incompressible enough to span many chunks
    await sharp(pixels, { raw: { width: 128, height: 128, channels: 3 } })
      .png()
      .toFile(whole);
    const bytes = readFileSync(whole);
    const cut = path.join(dir, 'truncated.png');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const image = await profileImage(cut);
    expect(image).toMatchObject({ format: 'png', width: 128, height: 128 });
    expect(image.corrupt).toBeTruthy();
  });

  it('rejects what is not an image at all', async () => {
    const file = path.join(dir, 'not.png');
    writeFileSync(file, 'hello');
    await expect(profileImage(file)).rejects.toThrow();
  });
});

describe('probeMedia (ffprobe)', () => {
  it('reads a hand-written WAV: duration, codec, sample rate and channels', async () => {
    const file = path.join(dir, 'tone.wav');
    writeFileSync(file, wavFile(16000, 2, 1.5));
    const media = await probeMedia(file);
    expect(media.container).toBe('wav');
    expect(media.duration).toBeCloseTo(1.5, 2);
    expect(media.streams).toEqual([
      { index: 0, kind: 'audio', codec: 'pcm_s16le', duration: expect.closeTo(1.5, 2), sampleRate: 16000, channels: 2 },
    ]);
  });

  it('reads a hand-written YUV4MPEG2 video: dimensions and frame rate', async () => {
    const file = path.join(dir, 'clip.y4m');
    writeFileSync(file, y4mFile(32, 16, 25, 10));
    const media = await probeMedia(file);
    expect(media.container).toBe('yuv4mpegpipe');
    expect(media.streams[0]).toMatchObject({ kind: 'video', codec: 'rawvideo', width: 32, height: 16, fps: 25 });
    expect(media.duration).toBeCloseTo(0.4, 2);
  });

  it("rejects a broken file with ffprobe's reason", async () => {
    const file = path.join(dir, 'broken.wav');
    writeFileSync(file, Buffer.from('RIFF\0\0\0\0WAVEjunkjunk'));
    await expect(probeMedia(file)).rejects.toThrow(/ffprobe could not read the file/);
  });
});
