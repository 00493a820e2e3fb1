/**
 * V8 flags of the processes that ingest and detect figures (the pool's children; `curator` itself through its
 * shebang, for eval-detect). Each figure allocates a few MB of typed arrays (decoded pixels, the analysis image,
 * network inputs), which V8 counts towards its next full collection: with the default small initial heap it ran
 * a full mark-compact every figure or two, the CPU of its concurrent marking landing beside onnxruntime's. With a
 * larger initial heap, full collections are rare: on two passes of the real-dev dev split, 75 -> 6 mark-compacts
 * and 7.5 -> 10.0 figures per CPU-second; peak RSS about 30 MB higher.
 */
export const HEAP_FLAGS = ['--initial-heap-size=128'];
