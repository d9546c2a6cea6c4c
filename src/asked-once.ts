/**
 * A value asked for once and shared by every caller; a failed ask is forgotten, so the next call asks again.
 * (A cluster's version, a gateway's API version: asking each time would cost a request per call.)
 */
export function askedOnce<T>(ask: () => Promise<T>): () => Promise<T> {
  let asked: Promise<T> | undefined;
  return () => {
    if (!asked) {
      const pending = ask();
      pending.catch(() => { if (asked === pending) asked = undefined; });
      asked = pending;
    }
    return asked;
  };
}
