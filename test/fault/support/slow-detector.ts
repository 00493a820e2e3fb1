import { existsSync, readFileSync } from 'node:fs';
import { createDetector as builtin, type CreateDetectorOptions, type DetectionHints, type RawImage, type SubfigureDetector } from '../../../packages/pipeline/src/detect/index.ts';

/**
 * A detector plugin for fault tests (DETECTOR_MODULE): the built-in detector, slowed by SLOW_DETECT_MS per
 * image (only until the file named by SLOW_DETECT_STOP_FILE exists, when set), and spinning forever (a busy
 * loop only thread termination can stop) on images whose size matches "WxH" in the file named by HANG_DETECT_FILE.
 */
export async function createDetector(options: CreateDetectorOptions): Promise<SubfigureDetector> {
  const inner = await builtin(options);
  const delay = Number(process.env.SLOW_DETECT_MS ?? 0);
  const trigger = process.env.HANG_DETECT_FILE;
  const stop = process.env.SLOW_DETECT_STOP_FILE;
  return {
    name: inner.name,
    version: inner.version,
    async detect(image: RawImage, hints?: DetectionHints) {
      if (trigger && existsSync(trigger)) {
        const [w, h] = readFileSync(trigger, 'utf8').trim().split('x').map(Number);
        if (image.width === w && image.height === h) for (;;);
      }
      if (delay > 0 && !(stop && existsSync(stop))) await new Promise((resolve) => setTimeout(resolve, delay));
      return inner.detect(image, hints);
    },
  };
}
