import ort from 'onnxruntime-node';

type ExecutionProvider = 'cuda' | 'cpu';

/** Options for creating an onnxruntime session. */
export interface SessionOptions {
  /** Preferred providers in order; the first that loads wins. Default: CUDA when listed, then CPU. */
  providers?: ExecutionProvider[];
  /** Intra-op threads for the CPU provider. Default 1 (one detector per core scales better). */
  intraOpThreads?: number;
  /**
   * Try the CUDA provider even though this onnxruntime-node build does not bundle its libraries, because they
   * were installed separately (the worker's PMC_CURATOR_ORT_CUDA setting). Default false.
   */
  unbundledCuda?: boolean;
}

export interface LoadedSession {
  session: ort.InferenceSession;
  provider: ExecutionProvider;
}

/**
 * Providers worth trying. onnxruntime-node lists CUDA even when its libraries are not installed (`bundled:
 * false`), and trying it then logs a loud error, so an unbundled CUDA is tried only when `unbundledCuda` says
 * the libraries were installed separately.
 */
function supportedBackends(unbundledCuda: boolean): Set<string> {
  try {
    const list = (ort as unknown as { listSupportedBackends?: () => Array<{ name: string; bundled?: boolean }> })
      .listSupportedBackends?.() ?? [];
    return new Set(list.filter((b) => b.bundled !== false || unbundledCuda).map((b) => b.name));
  } catch {
    return new Set(['cpu']);
  }
}

/**
 * Creates a session on CUDA when the CUDA provider is listed and actually loads (it is not shipped in the
 * default onnxruntime-node install), otherwise on CPU.
 */
export async function createSession(model: string | Uint8Array, options: SessionOptions = {}): Promise<LoadedSession> {
  const listed = supportedBackends(options.unbundledCuda ?? false);
  const wanted = options.providers ?? (listed.has('cuda') ? ['cuda', 'cpu'] : ['cpu']);
  let lastError: unknown;
  for (const provider of wanted) {
    if (provider === 'cuda' && !listed.has('cuda')) continue;
    try {
      const sessionOptions: ort.InferenceSession.SessionOptions = {
        executionProviders: [provider],
        intraOpNumThreads: options.intraOpThreads ?? 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      };
      const session = typeof model === 'string'
        ? await ort.InferenceSession.create(model, sessionOptions)
        : await ort.InferenceSession.create(model, sessionOptions);
      return { session, provider };
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(`no execution provider could load the model: ${String(lastError)}`);
}

export { ort };
