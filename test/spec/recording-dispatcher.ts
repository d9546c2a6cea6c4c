import { Agent, type Dispatcher } from 'undici';
import type { SentRequest } from './flink-openapi';

/** An undici Agent that remembers every request it dispatches, for checking them against Flink's spec. */
export function recordingDispatcher(): { dispatcher: Dispatcher; sent: SentRequest[]; close(): Promise<void> } {
  const sent: SentRequest[] = [];
  const dispatcher = new Agent().compose((dispatch) => (options, handler) => {
    let body: unknown;
    if (typeof options.body === 'string') {
      try { body = JSON.parse(options.body); } catch { body = options.body; }
    }
    sent.push({ method: options.method, url: options.path, ...(body === undefined ? {} : { body }) });
    return dispatch(options, handler);
  });
  return { dispatcher, sent, close: () => dispatcher.close() };
}
