/** A client's retries in a test through a proxy that loses one of Flink's answers: few and quick. */
export const FAST_RETRY = { maxRetries: 2, initialDelayMs: 50, maxDelayMs: 200, multiplier: 2 };
