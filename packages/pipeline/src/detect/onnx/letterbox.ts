import type { Box, RawImage } from '../types.ts';

export interface LetterboxResult {
  /** CHW float32 planes, values in [0,1] unless `mean`/`std` were given. */
  data: Float32Array;
  /** Input pixels per original pixel. */
  scale: number;
  padX: number;
  padY: number;
}

export interface LetterboxOptions {
  /** Keep the aspect ratio and pad (YOLO), or stretch to the input size (DETR). Default true. */
  keepAspect?: boolean;
  /** Padding grey level. Default 114 (Ultralytics). */
  padValue?: number;
  /** Per-channel normalisation applied after /255 (e.g. ImageNet for DETR). Default none. */
  mean?: [number, number, number];
  std?: [number, number, number];
}

/**
 * Resizes (bilinear) into a `width` x `height` network input, centred with padding when keeping the aspect
 * ratio, exactly as Ultralytics' LetterBox(auto=False, center=True) does, and writes CHW planes into `out`.
 */
export function letterbox(image: RawImage, width: number, height: number, options: LetterboxOptions = {}, out?: Float32Array): LetterboxResult {
  const keep = options.keepAspect ?? true;
  const W = Math.max(1, image.width);
  const H = Math.max(1, image.height);
  const ch = Math.max(1, image.channels);
  const scaleX = keep ? Math.min(width / W, height / H) : width / W;
  const scaleY = keep ? scaleX : height / H;
  const newW = keep ? Math.max(1, Math.round(W * scaleX)) : width;
  const newH = keep ? Math.max(1, Math.round(H * scaleY)) : height;
  const padX = keep ? Math.floor((width - newW) / 2) : 0;
  const padY = keep ? Math.floor((height - newH) / 2) : 0;
  const plane = width * height;
  const data = out ?? new Float32Array(3 * plane);
  const mean = options.mean ?? [0, 0, 0];
  const std = options.std ?? [1, 1, 1];
  const pad = (options.padValue ?? 114) / 255;
  for (let c = 0; c < 3; c++) data.fill((pad - mean[c]!) / std[c]!, c * plane, (c + 1) * plane);
  const src = image.data;
  const scaleC = [1 / 255 / std[0], 1 / 255 / std[1], 1 / 255 / std[2]];
  const offC = [mean[0] / std[0], mean[1] / std[1], mean[2] / std[2]];
  if (newW === W && newH === H) {
    // Already at the input size (LearnedDetector downscales first): bilinear weights are all 0, so each value
    // is its source pixel; copying gives the same floats without the interpolation.
    for (let c = 0; c < 3; c++) {
      const sc = ch >= 3 ? c : 0;
      const k = scaleC[c]!;
      const off = offC[c]!;
      for (let y = 0; y < H; y++) {
        const base = c * plane + (y + padY) * width + padX;
        let o = y * W * ch + sc;
        for (let x = 0; x < W; x++, o += ch) data[base + x] = (src[o] ?? 0) * k - off;
      }
    }
    return { data, scale: scaleX, padX, padY };
  }
  // Source columns and weights once per output column (the same arithmetic as per pixel, hoisted).
  const xs0 = new Int32Array(newW);
  const xs1 = new Int32Array(newW);
  const wxs = new Float32Array(newW);
  for (let x = 0; x < newW; x++) {
    const fx = Math.min(W - 1, Math.max(0, (x + 0.5) / (newW / W) - 0.5));
    const x0 = Math.floor(fx);
    xs0[x] = x0;
    xs1[x] = Math.min(W - 1, x0 + 1);
    wxs[x] = fx - x0;
  }
  for (let y = 0; y < newH; y++) {
    const fy = Math.min(H - 1, Math.max(0, (y + 0.5) / (newH / H) - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(H - 1, y0 + 1);
    const wy = fy - y0;
    const r0 = y0 * W;
    const r1 = y1 * W;
    const rowOut = (y + padY) * width + padX;
    for (let c = 0; c < 3; c++) {
      const sc = ch >= 3 ? c : 0;
      const base = c * plane + rowOut;
      const k = scaleC[c]!;
      const off = offC[c]!;
      for (let x = 0; x < newW; x++) {
        const a = (r0 + xs0[x]!) * ch + sc;
        const b = (r0 + xs1[x]!) * ch + sc;
        const e = (r1 + xs0[x]!) * ch + sc;
        const f = (r1 + xs1[x]!) * ch + sc;
        const wx = wxs[x]!;
        const v = ((src[a] ?? 0) * (1 - wx) + (src[b] ?? 0) * wx) * (1 - wy) + ((src[e] ?? 0) * (1 - wx) + (src[f] ?? 0) * wx) * wy;
        data[base + x] = v * k - off;
      }
    }
  }
  return { data, scale: scaleX, padX, padY };
}

/** Maps a box from network-input pixels back to original pixels (undoing padding and scale). */
export function unletterbox(box: Box, lb: Pick<LetterboxResult, 'scale' | 'padX' | 'padY'>, scaleY = lb.scale): Box {
  return [(box[0] - lb.padX) / lb.scale, (box[1] - lb.padY) / scaleY, (box[2] - lb.padX) / lb.scale, (box[3] - lb.padY) / scaleY];
}
