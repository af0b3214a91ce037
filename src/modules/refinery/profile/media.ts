/**
 * Profiles of images (sharp: format, size, and a full decode so a truncated or corrupt file is
 * caught) and of audio and video (ffprobe: container, duration, streams). ffprobe runs as a child
 * process without a shell, with a time limit, on a file path only.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import sharp from 'sharp';

export interface ImageProfile {
  format: string;
  width: number;
  height: number;
  channels: number | null;
  /** Frames, for animated images. */
  pages: number | null;
  hasAlpha: boolean | null;
  /** Set when the image cannot be decoded in full (truncated, corrupt). */
  corrupt?: string;
}

/**
 * The format and size of an image, decoding every pixel to make sure it is whole.
 *
 * @example
 * const image = await profileImage('/data/up/a.png');
 * image; // { format: 'png', width: 640, height: 480, channels: 3, pages: null, hasAlpha: false }
 */
export async function profileImage(file: string): Promise<ImageProfile> {
  const metadata = await sharp(file).metadata();
  const profile: ImageProfile = {
    format: metadata.format ?? 'unknown',
    width: metadata.width ?? 0,
    height: metadata.height ?? 0,
    channels: metadata.channels ?? null,
    pages: metadata.pages ?? null,
    hasAlpha: metadata.hasAlpha ?? null,
  };
  try {
    // metadata() reads only the header; decoding the pixels (stats) finds truncated and damaged data.
    // failOn 'truncated' keeps warnings about odd-but-readable files from counting as corruption.
    await sharp(file, { failOn: 'truncated', limitInputPixels: false }).stats();
  } catch (error) {
    profile.corrupt = error instanceof Error ? error.message : String(error);
  }
  return profile;
}

export interface MediaStream {
  index: number;
  kind: 'audio' | 'video' | 'subtitle' | 'data' | string;
  codec: string | null;
  /** Seconds, when the stream says. */
  duration: number | null;
  sampleRate?: number | null;
  channels?: number | null;
  width?: number | null;
  height?: number | null;
  /** Frames per second (video). */
  fps?: number | null;
}

export interface MediaProfile {
  container: string | null;
  /** Seconds. */
  duration: number | null;
  bitRate: number | null;
  streams: MediaStream[];
}

/** Where the ffprobe binary of @ffprobe-installer lives (or FFPROBE_PATH). */
export function ffprobePath(): string {
  if (process.env.FFPROBE_PATH) return process.env.FFPROBE_PATH;
  const require = createRequire(import.meta.url);
  return (require('@ffprobe-installer/ffprobe') as { path: string }).path;
}

interface FfprobeOutput {
  format?: { format_name?: string; duration?: string; bit_rate?: string };
  streams?: Array<{
    index?: number;
    codec_type?: string;
    codec_name?: string;
    duration?: string;
    sample_rate?: string;
    channels?: number;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    r_frame_rate?: string;
  }>;
}

const num = (value: string | number | undefined): number | null => {
  if (value === undefined || value === '' || value === 'N/A') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
};

/** '25/1' → 25; '0/0' → null. */
function rate(value: string | undefined): number | null {
  if (!value) return null;
  const [a, b] = value.split('/').map(Number);
  if (a === undefined || !Number.isFinite(a)) return null;
  if (b === undefined) return a;
  return b > 0 && a > 0 ? a / b : null;
}

/**
 * Container, duration and streams of an audio or video file, from ffprobe. Rejects with ffprobe's
 * own message when it cannot read the file, and after `timeoutMs` (default 30 s).
 *
 * @example
 * const media = await probeMedia('/data/up/a.wav');
 * media.streams[0]; // { index: 0, kind: 'audio', codec: 'pcm_s16le', duration: 1, sampleRate: 16000, channels: 1 }
 */
export function probeMedia(file: string, options: { timeoutMs?: number } = {}): Promise<MediaProfile> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '--', file];
  return new Promise((resolve, reject) => {
    execFile(
      ffprobePath(),
      args,
      { timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024, shell: false },
      (error, stdout, stderr) => {
        if (error) {
          const why = error.killed ? `ffprobe gave up after ${(options.timeoutMs ?? 30_000) / 1000} s` : stderr.trim() || error.message;
          reject(new Error(`ffprobe could not read the file: ${why.split('\n')[0]}`));
          return;
        }
        let parsed: FfprobeOutput;
        try {
          parsed = JSON.parse(stdout) as FfprobeOutput;
        } catch {
          reject(new Error('ffprobe printed no JSON'));
          return;
        }
        resolve({
          container: parsed.format?.format_name ?? null,
          duration: num(parsed.format?.duration),
          bitRate: num(parsed.format?.bit_rate),
          streams: (parsed.streams ?? []).map((s, i) => {
            const stream: MediaStream = {
              index: s.index ?? i,
              kind: s.codec_type ?? 'data',
              codec: s.codec_name ?? null,
              duration: num(s.duration),
            };
            if (s.codec_type === 'audio') {
              stream.sampleRate = num(s.sample_rate);
              stream.channels = s.channels ?? null;
            }
            if (s.codec_type === 'video') {
              stream.width = s.width ?? null;
              stream.height = s.height ?? null;
              stream.fps = rate(s.avg_frame_rate) ?? rate(s.r_frame_rate);
            }
            return stream;
          }),
        });
      },
    );
  });
}
