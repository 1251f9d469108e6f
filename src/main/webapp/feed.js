// One stream per topic set for all tabs of this origin: the tab holding the Web Lock named after the sorted topics
// reads the stream and passes each event and state change to the others over a BroadcastChannel. When it closes,
// the browser grants the lock to a waiting tab, which resumes after the last id it has seen.

import { readStream } from './sse.js';

const RECENT = 100;

// Compares two event ids: numbers, or Redis-style "millis-seq".
export function compareIds(a, b) {
  const pa = String(a).split('-').map(BigInt);
  const pb = String(b).split('-').map(BigInt);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0n;
    const y = pb[i] ?? 0n;
    if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

function isId(id) {
  return /^\d+(-\d+)?$/.test(id);
}

// The stream URL of these topics, relative to the page (any context root works).
function streamUrl(topics) {
  const params = new URLSearchParams();
  topics.forEach((topic) => params.append('topic', topic));
  return `api/events?${params}`;
}

// Joins the feed of these topics. handlers: onEvent({id, type, data}) once per event id, in id order;
// onEvents(events) when a tab that joins late gets the events the others show, to show instead of its own;
// onState({state, leading, shared, detail}) where state is 'connecting' | 'open' | 'reconnecting' | 'denied' |
// 'expired'. It resumes after lastId if given. Returns { close(), lastId() }.
export function joinFeed(topics, { onEvent, onEvents, onState, lastId = '' }) {
  const name = `sse-hub ${new URL('.', location.href).pathname} ${[...topics].sort().join(',')}`;
  const shared = 'locks' in navigator && 'BroadcastChannel' in window;
  const tab = {
    lastId,
    recent: [],
    state: 'connecting',
    detail: '',
    leading: false,
    caughtUp: false,
    stream: null,
    release: null,
    closed: false,
    channel: shared ? new BroadcastChannel(name) : null,
    aborter: new AbortController(),
  };

  // Shows an event unless this tab has shown it or a later one; ids only grow, across all topics of the stream.
  function deliver(event) {
    if (event.id && isId(event.id) && tab.lastId && compareIds(event.id, tab.lastId) <= 0) {
      return;
    }
    if (event.id) {
      tab.lastId = event.id;
    }
    tab.recent.push(event);
    tab.recent.splice(0, tab.recent.length - RECENT);
    if (event.type === 'reset') {
      tab.recent = [event];
    }
    onEvent(event);
  }

  // Takes the leader's recent events, followed by any this tab got after them.
  function catchUp(events) {
    tab.caughtUp = true;
    const last = events.at(-1)?.id;
    const later = tab.recent.filter((event) => !last || !isId(event.id) || compareIds(event.id, last) > 0);
    tab.recent = [...events, ...later].slice(-RECENT);
    tab.lastId = [...tab.recent].reverse().find((event) => event.id)?.id ?? tab.lastId;
    onEvents(tab.recent);
  }

  function show(state, detail = '') {
    tab.state = state;
    tab.detail = detail;
    onState({ state, leading: tab.leading, shared, detail });
  }

  function lead() {
    tab.leading = true;
    tab.caughtUp = true;
    show(tab.state === 'open' ? 'reconnecting' : tab.state);
    tab.stream = readStream(streamUrl(topics), {
      lastEventId: tab.lastId,
      onEvent: (message) => {
        const event = { id: message.lastEventId, type: message.type, data: message.data };
        deliver(event);
        tab.channel?.postMessage({ kind: 'event', event });
      },
      onState: (state, detail) => {
        show(state, detail);
        tab.channel?.postMessage({ kind: 'state', state, detail });
      },
    });
    tab.channel?.postMessage({ kind: 'state', state: tab.state, detail: tab.detail });
    return new Promise((resolve) => {
      tab.release = resolve;
    });
  }

  function follow({ data: message }) {
    if (message.kind === 'event') {
      deliver(message.event);
    } else if (message.kind === 'state' && !tab.leading) {
      show(message.state, message.detail);
    } else if (message.kind === 'hello' && tab.leading) {
      tab.channel.postMessage({ kind: 'snapshot', events: tab.recent, state: tab.state, detail: tab.detail });
    } else if (message.kind === 'snapshot' && !tab.leading && !tab.caughtUp) {
      catchUp(message.events);
      show(message.state, message.detail);
    }
  }

  show('connecting');
  if (shared) {
    tab.channel.onmessage = follow;
    tab.channel.postMessage({ kind: 'hello' });
    navigator.locks.request(name, { signal: tab.aborter.signal }, () => (tab.closed ? undefined : lead()))
      .catch(() => {});
  } else {
    lead();
  }

  return {
    lastId: () => tab.lastId,
    close() {
      tab.closed = true;
      tab.aborter.abort();
      tab.stream?.close();
      tab.release?.();
      tab.channel?.close();
    },
  };
}
