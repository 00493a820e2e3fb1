import { iou } from '../boxes.ts';
import type { Box } from '../types.ts';

export interface Detection {
  box: Box;
  score: number;
  classId: number;
}

/**
 * Greedy non-maximum suppression: keeps the best box, drops every box of the same class (or any class when
 * `classAgnostic`) overlapping it by more than `iouThreshold`, repeats. At most `maxDetections` survive.
 */
export function nms(dets: Detection[], iouThreshold = 0.45, classAgnostic = true, maxDetections = 300): Detection[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const keep: Detection[] = [];
  const removed = new Uint8Array(sorted.length);
  for (let i = 0; i < sorted.length && keep.length < maxDetections; i++) {
    if (removed[i]) continue;
    const a = sorted[i]!;
    keep.push(a);
    for (let j = i + 1; j < sorted.length; j++) {
      if (removed[j]) continue;
      const b = sorted[j]!;
      if ((classAgnostic || a.classId === b.classId) && iou(a.box, b.box) > iouThreshold) removed[j] = 1;
    }
  }
  return keep;
}
