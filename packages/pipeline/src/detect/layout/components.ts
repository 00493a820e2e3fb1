/** A connected component's bounding box (half-open) and pixel count. */
export interface Component {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  area: number;
  /** True when the component touches the left/top/right/bottom edge of the searched window. */
  touches: [boolean, boolean, boolean, boolean];
}

/**
 * 8-connected components of the set pixels of `mask` (row-major, `width` wide) inside the window
 * [x1,x2) x [y1,y2). Components larger than `maxArea` are still returned (so callers can reject them) but
 * their traversal is not cut short.
 */
export function connectedComponents(
  mask: Uint8Array,
  width: number,
  window: [number, number, number, number],
): Component[] {
  const [x1, y1, x2, y2] = window;
  const w = x2 - x1;
  const h = y2 - y1;
  if (w <= 0 || h <= 0) return [];
  const seen = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  const out: Component[] = [];
  for (let sy = 0; sy < h; sy++) {
    for (let sx = 0; sx < w; sx++) {
      const si = sy * w + sx;
      if (seen[si] || !mask[(y1 + sy) * width + x1 + sx]) continue;
      let top = 0;
      stack[top++] = si;
      seen[si] = 1;
      let minX = sx, maxX = sx, minY = sy, maxY = sy, area = 0;
      while (top > 0) {
        const i = stack[--top]!;
        const x = i % w;
        const y = (i - x) / w;
        area++;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
        for (let dy = -1; dy <= 1; dy++) {
          const ny = y + dy;
          if (ny < 0 || ny >= h) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const nx = x + dx;
            if (nx < 0 || nx >= w || (dx === 0 && dy === 0)) continue;
            const ni = ny * w + nx;
            if (seen[ni] || !mask[(y1 + ny) * width + x1 + nx]) continue;
            seen[ni] = 1;
            stack[top++] = ni;
          }
        }
      }
      out.push({
        x1: x1 + minX, y1: y1 + minY, x2: x1 + maxX + 1, y2: y1 + maxY + 1, area,
        touches: [minX === 0, minY === 0, maxX === w - 1, maxY === h - 1],
      });
    }
  }
  return out;
}

/** Otsu's threshold of the grey values inside a window. */
export function otsuThreshold(gray: Uint8Array, width: number, window: [number, number, number, number]): number {
  const hist = new Float64Array(256);
  const [x1, y1, x2, y2] = window;
  let total = 0;
  for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) { hist[gray[y * width + x]!]!++; total++; }
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i]!;
  let sumB = 0, wB = 0, best = 0, threshold = 127;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t]!;
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) { best = between; threshold = t; }
  }
  return threshold;
}
