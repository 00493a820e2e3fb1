export {
  processImage,
  sha256Hex,
  originalKey,
  normalizedKey,
  contentTypeOf,
  DEFAULT_IMAGE_LIMITS,
  type ImageLimits,
  type ImageFormat,
  type ProcessedImage,
} from './decode.ts';
