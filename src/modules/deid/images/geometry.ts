/**
 * Box arithmetic for image de-identification: growing a detected face box by a margin, cutting a
 * large photograph into overlapping tiles, and merging the boxes the tiles report. Pure functions.
 */

/** An axis-aligned rectangle in pixels; x and y are the top-left corner. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A detected face: its box in the image's pixels and the detector's confidence (0–1). */
export interface ScoredBox extends Box {
  score: number;
}

/** Image size in pixels. */
export interface Size {
  width: number;
  height: number;
}

/**
 * Grows a box by `margin` times its width (left and right) and height (top and bottom), then
 * clips it to the image and rounds outwards to whole pixels, so nothing of the face is left out.
 * @example expandBox({ x: 100, y: 100, width: 40, height: 50 }, 0.25, { width: 640, height: 480 })
 *   // → { x: 90, y: 87, width: 60, height: 76 }
 */
export function expandBox(box: Box, margin: number, image: Size): Box {
  const left = Math.max(0, Math.floor(box.x - box.width * margin));
  const top = Math.max(0, Math.floor(box.y - box.height * margin));
  const right = Math.min(image.width, Math.ceil(box.x + box.width * (1 + margin)));
  const bottom = Math.min(image.height, Math.ceil(box.y + box.height * (1 + margin)));
  return { x: left, y: top, width: Math.max(0, right - left), height: Math.max(0, bottom - top) };
}

/**
 * The area two boxes share, divided by the smaller box's area: 1 when one lies inside the other.
 * Used instead of IoU because a tile that cuts a face reports a partial box inside the full one.
 * @example overlapOfSmaller({ x: 0, y: 0, width: 10, height: 10 }, { x: 2, y: 2, width: 4, height: 4 }) // → 1
 */
export function overlapOfSmaller(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const smaller = Math.min(a.width * a.height, b.width * b.height);
  return smaller > 0 ? (w * h) / smaller : 0;
}

/**
 * Merges boxes that overlap by at least `threshold` (of the smaller one) into their union, keeping
 * the highest score. Union rather than the best box alone: when in doubt, cover more of the face.
 * Result sorted by score, highest first.
 * @example mergeOverlapping([{ x: 0, y: 0, width: 10, height: 10, score: 0.9 }, { x: 5, y: 0, width: 10, height: 10, score: 0.5 }], 0.4)
 *   // → [{ x: 0, y: 0, width: 15, height: 10, score: 0.9 }]
 */
export function mergeOverlapping(boxes: readonly ScoredBox[], threshold: number): ScoredBox[] {
  let merged = [...boxes].sort((a, b) => b.score - a.score);
  // Repeat until stable: a union can grow into a box it did not touch before.
  for (let changed = true; changed;) {
    changed = false;
    const out: ScoredBox[] = [];
    for (const box of merged) {
      const into = out.find((kept) => overlapOfSmaller(kept, box) >= threshold);
      if (!into) {
        out.push({ ...box });
        continue;
      }
      const right = Math.max(into.x + into.width, box.x + box.width);
      const bottom = Math.max(into.y + into.height, box.y + box.height);
      into.x = Math.min(into.x, box.x);
      into.y = Math.min(into.y, box.y);
      into.width = right - into.x;
      into.height = bottom - into.y;
      into.score = Math.max(into.score, box.score);
      changed = true;
    }
    merged = out;
  }
  return merged;
}

/**
 * Overlapping square-ish tiles of at most `tileSize` pixels covering the image, each overlapping its
 * neighbours by at least `overlap` pixels so that a face of up to that size lies whole inside some tile.
 * An image no larger than one tile gets no tiles (the whole-image pass already sees it at full detail).
 * @example planTiles({ width: 2000, height: 1000 }, 1024, 256).length // → 3
 */
export function planTiles(image: Size, tileSize: number, overlap: number): Box[] {
  if (image.width <= tileSize && image.height <= tileSize) return [];
  const starts = (length: number): number[] => {
    if (length <= tileSize) return [0];
    const count = Math.ceil((length - overlap) / (tileSize - overlap));
    const step = (length - tileSize) / (count - 1);
    return Array.from({ length: count }, (_, i) => Math.round(i * step));
  };
  const tiles: Box[] = [];
  for (const y of starts(image.height)) {
    for (const x of starts(image.width)) {
      tiles.push({ x, y, width: Math.min(tileSize, image.width - x), height: Math.min(tileSize, image.height - y) });
    }
  }
  return tiles;
}
