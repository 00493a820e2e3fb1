import { createDetector as builtin, type CreateDetectorOptions, type DetectionHints, type RawImage, type SubfigureDetector } from '../../../packages/pipeline/src/detect/index.ts';
import { ocrModelPaths } from '../../../packages/pipeline/src/detect/ocr/models.ts';
import { createSession, ort } from '../../../packages/pipeline/src/detect/onnx/session.ts';

/**
 * A detector plugin for fault tests (DETECTOR_MODULE): the built-in detector, except on images whose size
 * is ONNX_SPIN_SIZE ("WxH"), where it runs the PP-OCRv4 text detector (onnxruntime-node) on a large input again and
 * again forever: a job timeout then lands while native onnxruntime code is running.
 */
export async function createDetector(options: CreateDetectorOptions): Promise<SubfigureDetector> {
  const inner = await builtin(options);
  const { session } = await createSession(ocrModelPaths().detection);
  const [spinWidth, spinHeight] = (process.env.ONNX_SPIN_SIZE ?? '0x0').split('x').map(Number);
  const side = 960;
  const input = new ort.Tensor('float32', new Float32Array(3 * side * side).fill(0.5), [1, 3, side, side]);
  return {
    name: inner.name,
    version: inner.version,
    async detect(image: RawImage, hints?: DetectionHints) {
      if (image.width === spinWidth && image.height === spinHeight) {
        for (;;) await session.run({ [session.inputNames[0]!]: input });
      }
      return inner.detect(image, hints);
    },
  };
}
