export {
  processImage,
  decodeImage,
  sha256Hex,
  originalKey,
  normalizedKey,
  contentTypeOf,
  DEFAULT_IMAGE_LIMITS,
  type ImageLimits,
  type ImageFormat,
  type ProcessedImage,
  type DecodedImage,
  type DecodeOptions,
} from './decode.ts';
