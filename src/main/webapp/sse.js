// One text/event-stream read with fetch, so that events of every name arrive (an EventSource delivers only the names
// it has listeners for), reconnecting with jittered backoff and resuming with the Last-Event-ID header.

const BACKOFF_BASE_MS = 1000;
const BACKOFF_FACTOR = 2;
const BACKOFF_CAP_MS = 30000;
const DEFAULT_RETRY_MS = 3000;

// Splits a text/event-stream into events as the HTML standard's parser does, chunk by chunk.
// lastEventId persists from one connection to the next, as the standard's does.
export function createParser(lastEventIdBefore, onEvent, onId) {
  let pending = '';
  let skipLf = false;
  let data = [];
  let type = '';
  let lastEventId = lastEventIdBefore;
  let retry = null;

  function field(line) {
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (name === 'data') {
      data.push(value);
    } else if (name === 'event') {
      type = value;
    } else if (name === 'id' && !value.includes('\0')) {
      lastEventId = value;
    } else if (name === 'retry' && /^\d+$/.test(value)) {
      retry = Number(value);
    }
  }

  function line(text) {
    if (text === '') {
      onId(lastEventId);
      if (data.length > 0) {
        onEvent({ type: type || 'message', data: data.join('\n'), lastEventId });
      }
      data = [];
      type = '';
    } else if (!text.startsWith(':')) {
      field(text);
    }
  }

  return {
    push(chunk) {
      let text = chunk;
      if (skipLf && text.startsWith('\n')) {
        text = text.slice(1);
      }
      skipLf = text.endsWith('\r');
      const lines = (pending + text).split(/\r\n|\r|\n/);
      pending = lines.pop();
      lines.forEach(line);
    },
    get retry() {
      return retry;
    },
  };
}

// Full jitter: a random delay between 0 and base * factor^attempt, capped.
function backoffDelay(attempt) {
  return Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * BACKOFF_FACTOR ** attempt);
}

// The Retry-After of a refusal in milliseconds (seconds only), or 0.
function retryAfter(response) {
  const seconds = Number(response.headers.get('Retry-After'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

// Reads url until close(): onEvent for each event, onState('open' | 'reconnecting' | 'denied' | 'expired', detail).
// After a stream that was open ends, it reconnects after the server's retry:; after a refusal or a network error,
// after a growing random delay. It stops for good when the stream needs a credential it lacks (401, 403: 'denied',
// with the server's reason) or when the server ends the stream with an expired event ('expired').
export function readStream(url, { lastEventId = '', onEvent, onState }) {
  const state = { lastEventId, attempt: 0, retry: DEFAULT_RETRY_MS, timer: 0, closed: false, expired: false, aborter: null };

  async function connect() {
    state.aborter = new AbortController();
    const headers = { Accept: 'text/event-stream' };
    if (state.lastEventId) {
      headers['Last-Event-ID'] = state.lastEventId;
    }
    let opened = false;
    let delay;
    try {
      const response = await fetch(url, { headers, cache: 'no-store', signal: state.aborter.signal });
      const type = response.headers.get('Content-Type') || '';
      if (response.status === 401 || response.status === 403) {
        const problem = await response.json().catch(() => null);
        onState('denied', problem?.detail || `${response.status} ${response.statusText}`);
        return;
      }
      if (!response.ok || !type.startsWith('text/event-stream')) {
        delay = Math.max(retryAfter(response), backoffDelay(state.attempt++));
        response.body?.cancel().catch(() => {});
      } else {
        opened = true;
        state.attempt = 0;
        onState('open');
        await read(response.body);
        delay = state.retry;
      }
    } catch {
      delay = opened ? state.retry : backoffDelay(state.attempt++);
    }
    if (state.expired && !state.closed) {
      onState('expired', 'the subscriber token expired');
      return;
    }
    if (!state.closed) {
      onState('reconnecting');
      state.timer = setTimeout(connect, delay);
    }
  }

  async function read(body) {
    const parser = createParser(state.lastEventId, (event) => {
      state.expired ||= event.type === 'expired';
      onEvent(event);
    }, (id) => {
      state.lastEventId = id;
    });
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done || state.closed) {
        return;
      }
      parser.push(value);
      state.retry = parser.retry ?? state.retry;
    }
  }

  connect();
  return {
    close() {
      state.closed = true;
      clearTimeout(state.timer);
      state.aborter?.abort();
    },
  };
}
