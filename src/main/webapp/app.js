// sse-hub client: subscribes to topics over EventSource and renders each event as text.

const DEFAULT_TOPICS = ['ticker'];
const MAX_EVENTS = 100;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_FACTOR = 2;
const BACKOFF_CAP_MS = 30000;
const STATES = ['connecting', 'open', 'reconnecting'];

const connection = {
  lastEventId: '',
  attempt: 0,
  timer: 0,
};

// Topics to subscribe to: ?topic=a&topic=b on the page URL, else the default.
function subscribedTopics() {
  const topics = new URLSearchParams(location.search).getAll('topic').filter(Boolean);
  return topics.length > 0 ? topics : DEFAULT_TOPICS;
}

// Relative stream URL (any context root works), resuming after lastEventId if known.
function streamUrl(topics, lastEventId) {
  const params = new URLSearchParams();
  topics.forEach((topic) => params.append('topic', topic));
  if (lastEventId) {
    params.set('lastEventId', lastEventId);
  }
  return `api/events?${params}`;
}

// Opens a stream with one listener per topic (the event name is the topic) and one for reset.
function connect(topics) {
  const source = new EventSource(streamUrl(topics, connection.lastEventId));
  source.addEventListener('open', onOpen);
  source.addEventListener('error', () => onError(source, topics));
  topics.forEach((topic) => source.addEventListener(topic, onTopicEvent));
  source.addEventListener('reset', onReset);
}

// A successful open forgets earlier failures.
function onOpen() {
  connection.attempt = 0;
  showStatus('open');
}

// While CONNECTING the browser retries by itself; once CLOSED it has given up, so we retry.
function onError(source, topics) {
  showStatus('reconnecting');
  if (source.readyState === EventSource.CLOSED) {
    source.close();
    scheduleReconnect(topics);
  }
}

// Full jitter: a random delay between 0 and base * factor^attempt, capped.
function backoffDelay(attempt) {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * BACKOFF_FACTOR ** attempt);
  return Math.random() * ceiling;
}

// Reconnects after the next backoff delay; the new URL carries the last id seen.
function scheduleReconnect(topics) {
  const delay = backoffDelay(connection.attempt);
  connection.attempt += 1;
  clearTimeout(connection.timer);
  connection.timer = setTimeout(() => connect(topics), delay);
}

// Remembers the id of the latest event so a reconnect resumes after it.
function rememberId(event) {
  if (event.lastEventId) {
    connection.lastEventId = event.lastEventId;
  }
}

// Shows one topic event at the top of the list.
function onTopicEvent(event) {
  rememberId(event);
  prependEntry(renderEntry(event));
}

// The server could not resume from our id: drop the stale list and say so.
function onReset(event) {
  rememberId(event);
  document.getElementById('events').replaceChildren();
  showNote(`The server could not resume the stream (${reasonOf(event.data)}); older events were cleared.`);
}

// The message of a {"message": ...} payload; any other payload is shown as it came.
function messageOf(data) {
  let parsed;
  try {
    parsed = JSON.parse(data);
  } catch {
    return data;
  }
  return typeof parsed?.message === 'string' ? parsed.message : data;
}

// The reason of a {"reason": ...} reset payload.
function reasonOf(data) {
  try {
    return JSON.parse(data)?.reason ?? 'no reason given';
  } catch {
    return 'no reason given';
  }
}

// Builds a list entry from the template, as text only.
function renderEntry(event) {
  const template = document.getElementById('event-template');
  const entry = template.content.firstElementChild.cloneNode(true);
  entry.dataset.id = event.lastEventId;
  entry.dataset.event = event.type;
  entry.querySelector('.event-message').textContent = messageOf(event.data);
  entry.querySelector('.event-name').textContent = event.type;
  entry.querySelector('.event-id').textContent = event.lastEventId;
  return entry;
}

// Adds the entry at the top and drops the oldest beyond the cap.
function prependEntry(entry) {
  const list = document.getElementById('events');
  list.prepend(entry);
  while (list.children.length > MAX_EVENTS) {
    list.lastElementChild.remove();
  }
}

// Shows the connection state as text and as a class for styling.
function showStatus(state) {
  const status = document.getElementById('status');
  status.textContent = state;
  status.classList.remove(...STATES);
  status.classList.add(state);
}

// Shows a note above the list.
function showNote(text) {
  const note = document.getElementById('note');
  note.textContent = text;
  note.hidden = false;
}

// Entry point: name the topics and connect.
function start() {
  const topics = subscribedTopics();
  document.getElementById('topics').textContent = topics.join(', ');
  showStatus('connecting');
  connect(topics);
}

start();
