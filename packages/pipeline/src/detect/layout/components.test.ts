import { describe, expect, it } from 'vitest';
import { connectedComponents } from './components.ts';
import type { Component } from './components.ts';

/** Reference: 8-connected flood fill from each unvisited set pixel in raster order. */
function floodFill(mask: Uint8Array, width: number, [x1, y1, x2, y2]: [number, number, number, number]): Component[] {
  const w = x2 - x1;
  const h = y2 - y1;
  const seen = new Uint8Array(w * h);
  const out: Component[] = [];
  for (let sy = 0; sy < h; sy++) {
    for (let sx = 0; sx < w; sx++) {
      if (seen[sy * w + sx] || !mask[(y1 + sy) * width + x1 + sx]) continue;
      const stack = [[sx, sy] as const];
      seen[sy * w + sx] = 1;
      const c = { x1: sx, y1: sy, x2: sx, y2: sy, area: 0 };
      while (stack.length) {
        const [x, y] = stack.pop()!;
        c.area++;
        c.x1 = Math.min(c.x1, x); c.x2 = Math.max(c.x2, x); c.y1 = Math.min(c.y1, y); c.y2 = Math.max(c.y2, y);
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const nx = x + dx;
            const ny = y + dy;
            if (nx < 0 || ny < 0 || nx >= w || ny >= h || seen[ny * w + nx] || !mask[(y1 + ny) * width + x1 + nx]) continue;
            seen[ny * w + nx] = 1;
            stack.push([nx, ny]);
          }
        }
      }
      out.push({ x1: x1 + c.x1, y1: y1 + c.y1, x2: x1 + c.x2 + 1, y2: y1 + c.y2 + 1, area: c.area, touches: [c.x1 === 0, c.y1 === 0, c.x2 === w - 1, c.y2 === h - 1] });
    }
  }
  return out;
}

describe('connectedComponents', () => {
  it('matches an 8-connected flood fill (boxes, areas, window edges, order) on random masks', () => {
    let seed = 7;
    const random = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    for (let trial = 0; trial < 200; trial++) {
      const width = 5 + Math.floor(random() * 30);
      const height = 5 + Math.floor(random() * 30);
      const density = 0.2 + 0.5 * random();
      const mask = Uint8Array.from({ length: width * height }, () => (random() < density ? 1 : 0));
      const x1 = Math.floor(random() * 3);
      const y1 = Math.floor(random() * 3);
      const win: [number, number, number, number] = [x1, y1, width - Math.floor(random() * 3), height - Math.floor(random() * 3)];
      expect(connectedComponents(mask, width, win)).toEqual(floodFill(mask, width, win));
    }
  });
  it('joins diagonal neighbours and U shapes whose arms meet below', () => {
    const mask = Uint8Array.from([
      1, 0, 1, 0, 0,
      0, 1, 1, 0, 1,
      1, 0, 0, 0, 1,
      1, 1, 1, 1, 1,
    ]);
    const comps = connectedComponents(mask, 5, [0, 0, 5, 4]);
    expect(comps).toEqual([{ x1: 0, y1: 0, x2: 5, y2: 4, area: 12, touches: [true, true, true, true] }]);
  });
});
