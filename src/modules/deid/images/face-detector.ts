/**
 * Face detection with the SSD MobileNet v1 model that ships inside @vladmandic/face-api, run by
 * TensorFlow.js on its WebAssembly backend. Everything is read from node_modules by file path:
 * the .wasm binaries and the model weights. Nothing is fetched from the network, ever.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TfModule from '@tensorflow/tfjs';
import type * as FaceApiModule from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import { mergeOverlapping, planTiles, type ScoredBox, type Size } from './geometry.js';

/** Decoded pixels handed to the detector: 3 (RGB) or 4 (RGBA) interleaved 8-bit channels. */
export interface RgbImage extends Size {
  channels: 3 | 4;
  data: Uint8Array;
}

/** How hard the detector looks. The defaults are the ones measured in docs/deid-images.md. */
export interface FaceDetectionOptions {
  /** Keep detections scoring at least this (0–1). Lower finds more faces and more false alarms. */
  minConfidence: number;
  /** Images larger than this (pixels, either side) are also searched tile by tile, for small faces. */
  tileSize: number;
  /** Neighbouring tiles share this many pixels, so a face up to this size is whole in some tile. */
  tileOverlap: number;
}

export const DEFAULT_FACE_DETECTION: FaceDetectionOptions = { minConfidence: 0.3, tileSize: 1024, tileOverlap: 256 };

/** A loaded detector; load it once and reuse it, loading costs about half a second. */
export interface FaceDetector {
  /** Faces in the image, in its pixels, highest score first. */
  detect(image: RgbImage, options?: Partial<FaceDetectionOptions>): Promise<ScoredBox[]>;
  /** Model and runtime, for reports. */
  readonly model: string;
}

type FaceApi = typeof FaceApiModule;
type Tf = typeof TfModule;

const require = createRequire(import.meta.url);
let loading: Promise<{ faceapi: FaceApi; tf: Tf }> | undefined;

/** Loads TensorFlow.js (WASM) and the SSD MobileNet v1 weights once per process. */
async function loadFaceApi(): Promise<{ faceapi: FaceApi; tf: Tf }> {
  loading ??= (async () => {
    // face-api requires these same CommonJS modules, so both share one TensorFlow.js engine.
    const tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const faceapi = (await import('@vladmandic/face-api/dist/face-api.node-wasm.js')) as FaceApi;
    // A folder path (trailing slash) makes the backend read its .wasm files from disk instead of a CDN.
    wasm.setWasmPaths(`${path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}${path.sep}`);
    tf.enableProdMode();
    if (!(await tf.setBackend('wasm'))) throw new Error('The TensorFlow.js WASM backend did not start');
    await tf.ready();
    // loadFromDisk reads the manifest and shards with node:fs; loadFromUri would use fetch.
    const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
    return { faceapi, tf };
  })();
  try {
    return await loading;
  } catch (error) {
    loading = undefined;
    throw error;
  }
}

/**
 * Loads the face detector (SSD MobileNet v1 from @vladmandic/face-api, TensorFlow.js WASM).
 * @example
 * const detector = await loadFaceDetector();
 * const faces = await detector.detect({ width, height, channels: 3, data }); // [{ x, y, width, height, score }]
 */
export async function loadFaceDetector(): Promise<FaceDetector> {
  const { faceapi, tf } = await loadFaceApi();
  return {
    model: `face-api ${faceapi.version} ssd_mobilenetv1, tfjs ${tf.version_core} wasm`,
    async detect(image, overrides = {}) {
      const options = { ...DEFAULT_FACE_DETECTION, ...overrides };
      const ssd = new faceapi.SsdMobilenetv1Options({ minConfidence: options.minConfidence, maxResults: 1000 });
      const pixels = tf.tensor3d(image.data, [image.height, image.width, image.channels], 'int32');
      const rgb = image.channels === 4 ? tf.slice(pixels, [0, 0, 0], [image.height, image.width, 3]) : pixels;
      const found: ScoredBox[] = [];
      try {
        // The network sees every input at 512×512: a whole-image pass finds the large faces, and on a
        // big photograph tiles find the small ones that the downscaling would have erased.
        const regions = [
          { x: 0, y: 0, width: image.width, height: image.height },
          ...planTiles(image, options.tileSize, options.tileOverlap),
        ];
        for (const region of regions) {
          const crop =
            region.width === image.width && region.height === image.height
              ? rgb
              : tf.slice(rgb, [region.y, region.x, 0], [region.height, region.width, 3]);
          try {
            const detections = await faceapi.detectAllFaces(crop as Parameters<FaceApi['detectAllFaces']>[0], ssd);
            for (const d of detections) {
              found.push({ x: d.box.x + region.x, y: d.box.y + region.y, width: d.box.width, height: d.box.height, score: d.score });
            }
          } finally {
            if (crop !== rgb) crop.dispose();
          }
        }
      } finally {
        if (rgb !== pixels) rgb.dispose();
        pixels.dispose();
      }
      return mergeOverlapping(found, 0.5).map((b) => ({ ...b, score: Math.round(b.score * 1000) / 1000 }));
    },
  };
}
