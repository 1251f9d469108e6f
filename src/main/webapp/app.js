// sse-hub's page: shows the events of its topics as text, shares one stream among all tabs on the same topics,
// charts the event rate, and publishes from a form.

import { joinFeed } from './feed.js';
import { createChart } from './chart.js';

const DEFAULT_TOPICS = ['ticker'];
const MAX_TOPICS = 32;
const TOPIC_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_EVENT_NAME = 64;
const RESET = 'reset';
const EXPIRED = 'expired';
const RESERVED = [RESET, EXPIRED, 'ticker'];
const MAX_EVENTS = 100;
const STATES = ['connecting', 'open', 'reconnecting', 'denied', 'expired'];

const page = { feed: null, chart: null, topics: [], sessions: null, credentialNote: false };

// Topics to subscribe to: ?topic=a&topic=b on the page URL, else the default.
function subscribedTopics() {
  const topics = new URLSearchParams(location.search).getAll('topic').filter(Boolean);
  return topics.length > 0 ? topics : DEFAULT_TOPICS;
}

// ?topic=a&topic=b for a list of topics.
function topicsQuery(topics) {
  const params = new URLSearchParams();
  topics.forEach((topic) => params.append('topic', topic));
  return params;
}

// One event, from this tab's stream or from the tab that shares its stream.
function onEvent(event) {
  if (event.type === EXPIRED) {
    return;
  }
  page.chart.count();
  if (event.type === RESET) {
    showReset(event);
  } else {
    prependEntry(renderEntry(event));
  }
}

// A tab that joins late shows what the others show.
function onEvents(events) {
  document.getElementById('events').replaceChildren();
  showText('note', '');
  events.filter((event) => event.type !== EXPIRED)
    .forEach((event) => (event.type === RESET ? showReset(event) : prependEntry(renderEntry(event))));
}

// The stream's state, and whether this tab reads the stream or another tab shares it.
function onState({ state, leading, shared, detail }) {
  showStatus(state);
  page.chart.state(state);
  if (state === 'denied') {
    showText('note', `The server refused these topics: ${detail}. A private topic needs a subscriber token:`
      + ' enter one under "Private topics".');
    page.credentialNote = true;
  } else if (state === 'expired') {
    showText('note', 'The subscriber token expired. Enter a fresh one under "Private topics" to resume where the list stopped.');
    page.credentialNote = true;
  } else if (state === 'open' && page.credentialNote) {
    showText('note', '');
    page.credentialNote = false;
  }
  let sharing = 'This tab reads its own stream.';
  if (shared) {
    sharing = leading ? 'This tab reads the stream for every tab on these topics.'
      : 'Another tab on these topics reads the stream and shares it with this one.';
  }
  document.getElementById('sharing').textContent = sharing;
  document.body.dataset.leading = String(leading);
}

// Replaces the subscription: the old feed is left, the list and the chart start empty.
function subscribe(topics) {
  page.feed?.close();
  document.getElementById('events').replaceChildren();
  showText('note', '');
  page.credentialNote = false;
  page.chart.clear();
  showTopics(topics);
  page.topics = topics;
  page.feed = joinFeed(topics, { onEvent, onEvents, onState });
}

// The same topics again after the credential changed, resuming after the last event shown.
function resubscribe() {
  const lastId = page.feed?.lastId() ?? '';
  page.feed?.close();
  page.feed = joinFeed(page.topics, { onEvent, onEvents, onState, lastId });
}

// The server could not resume from the last id: the list starts afresh, and the page says that events were missed.
function showReset(event) {
  document.getElementById('events').replaceChildren();
  page.chart.reset();
  showText('note', `Events were missed: the server could not resume the stream (${reasonOf(event.data)}),`
    + ' so the list starts afresh from here.');
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
  entry.dataset.id = event.id;
  entry.dataset.event = event.type;
  entry.querySelector('.event-message').textContent = messageOf(event.data);
  entry.querySelector('.event-name').textContent = event.type;
  entry.querySelector('.event-id').textContent = event.id;
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

// Shows a text in the element with this id, hiding the element when the text is empty.
function showText(id, text) {
  const element = document.getElementById(id);
  element.textContent = text;
  element.hidden = text === '';
}

// Names the subscribed topics in the header and offers them in the publish form's topic field.
function showTopics(topics) {
  document.getElementById('topics').textContent = topics.join(', ');
  const options = topics.map((topic) => {
    const option = document.createElement('option');
    option.value = topic;
    return option;
  });
  document.getElementById('subscribed-topics').replaceChildren(...options);
}

// The distinct names in the picker's text, separated by commas or white space.
function topicNames(text) {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

// What is wrong with a list of topic names, or '' if nothing is.
function topicsProblem(names) {
  const invalid = names.filter((name) => !TOPIC_NAME.test(name));
  if (names.length === 0) {
    return 'Enter at least one topic name.';
  }
  if (invalid.length > 0) {
    return `Not a valid topic name: ${invalid.join(', ')}. Names are 1 to 64 of A-Z a-z 0-9 . _ - and start with a letter or digit.`;
  }
  if (names.length > MAX_TOPICS) {
    return `At most ${MAX_TOPICS} topics per subscription (${names.length} given).`;
  }
  return '';
}

// What is wrong with an event name typed in the publish form, or '' if nothing is (empty means the topic).
function eventNameProblem(name) {
  if (name.length > MAX_EVENT_NAME || /\p{Cc}/u.test(name)) {
    return `Event names are at most ${MAX_EVENT_NAME} characters without control characters.`;
  }
  return RESERVED.includes(name) ? `"${name}" is reserved for the server.` : '';
}

// The topic picker: checks the names, then subscribes to them and puts them in the page URL.
function onTopicsSubmit(event) {
  event.preventDefault();
  const names = topicNames(document.getElementById('topics-input').value);
  const problem = topicsProblem(names);
  showText('topics-message', problem);
  if (problem) {
    return;
  }
  history.replaceState(null, '', `?${topicsQuery(names)}`);
  document.getElementById('publish-topic').value = names[0];
  subscribe(names);
}

// The publish form's fields; the token is read here and nowhere else.
function publishFields() {
  return {
    topic: document.getElementById('publish-topic').value.trim(),
    event: document.getElementById('publish-event').value.trim(),
    data: document.getElementById('publish-data').value,
    json: document.getElementById('publish-json').checked,
    token: document.getElementById('publish-token').value.trim(),
  };
}

// The JSON body {"event": ..., "data": ...} (event only if named), or a problem if the data is not JSON.
function jsonBody(fields) {
  let data;
  try {
    data = JSON.parse(fields.data);
  } catch (error) {
    return { problem: `The data is not valid JSON (${error.message}); nothing was sent.` };
  }
  return { body: JSON.stringify(fields.event ? { event: fields.event, data } : { data }) };
}

// The fetch URL and options for the form's fields, or a problem to show instead of sending.
function publishRequest(fields) {
  const problem = topicsProblem([fields.topic]) || eventNameProblem(fields.event);
  if (problem) {
    return { problem };
  }
  const headers = fields.token ? { Authorization: `Bearer ${fields.token}` } : {};
  const url = `api/topics/${encodeURIComponent(fields.topic)}/events`;
  if (fields.json) {
    const { body, problem: notJson } = jsonBody(fields);
    return notJson ? { problem: notJson }
      : { url, init: { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body } };
  }
  const query = fields.event ? `?${new URLSearchParams({ event: fields.event })}` : '';
  return {
    url: url + query,
    init: { method: 'POST', headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }, body: fields.data },
  };
}

// One line of text for a publish answer: the new id, or the problem's status, title and detail.
async function outcomeOf(response) {
  const body = await response.json().catch(() => null);
  if (response.ok) {
    return `published as id ${body?.id ?? '(none given)'}`;
  }
  const title = body?.title || response.statusText;
  return body?.detail ? `${response.status} ${title}: ${body.detail}` : `${response.status} ${title}`;
}

// Shows the outcome of publishing, styled as success or error.
function showResult(text, kind) {
  const result = document.getElementById('publish-result');
  result.textContent = text;
  result.classList.toggle('ok', kind === 'ok');
  result.classList.toggle('error', kind === 'error');
}

// The publish form: checks the fields, listens for the event name, posts, and shows the outcome.
async function onPublishSubmit(event) {
  event.preventDefault();
  const fields = publishFields();
  const request = publishRequest(fields);
  if (request.problem) {
    showResult(request.problem, 'error');
    return;
  }
  const button = document.getElementById('publish-submit');
  button.disabled = true;
  showResult('publishing…', '');
  try {
    const response = await fetch(request.url, request.init);
    showResult(await outcomeOf(response), response.ok ? 'ok' : 'error');
  } catch (error) {
    showResult(`Not published: ${error.message}`, 'error');
  } finally {
    button.disabled = false;
  }
}

// The token form: POST /api/session puts the token into an HttpOnly cookie (the page never keeps it), DELETE clears
// it; either way every tab of the page subscribes again with the new credential.
async function onSessionSubmit(event) {
  event.preventDefault();
  const forget = event.submitter?.id === 'session-forget';
  const input = document.getElementById('session-token');
  const token = input.value.trim();
  if (!forget && !token) {
    showSession('Enter a subscriber token (a JWT with a subscribe claim).', 'error');
    return;
  }
  const init = forget ? { method: 'DELETE' }
    : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) };
  try {
    const response = await fetch('api/session', init);
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      showSession(`${response.status} ${body?.title || response.statusText}: ${body?.detail ?? ''}`, 'error');
      return;
    }
    input.value = '';
    showSession(forget ? 'Token forgotten.'
      : `Token accepted for ${body.subscribe.join(', ')} until ${new Date(body.expires).toLocaleString()}.`, 'ok');
    page.sessions?.postMessage('changed');
    resubscribe();
  } catch (error) {
    showSession(`Not sent: ${error.message}`, 'error');
  }
}

function showSession(text, kind) {
  const result = document.getElementById('session-result');
  result.textContent = text;
  result.classList.toggle('ok', kind === 'ok');
  result.classList.toggle('error', kind === 'error');
}

// Entry point: fill in the forms, wire them, and connect.
function start() {
  page.chart = createChart(document.getElementById('chart'), document.getElementById('chart-summary'));
  window.addEventListener('pagehide', () => page.feed?.close());
  const topics = subscribedTopics();
  document.getElementById('topics-input').value = topics.join(', ');
  document.getElementById('publish-topic').value = topics[0];
  document.getElementById('topics-form').addEventListener('submit', onTopicsSubmit);
  document.getElementById('publish-form').addEventListener('submit', onPublishSubmit);
  document.getElementById('session-form').addEventListener('submit', onSessionSubmit);
  if ('BroadcastChannel' in window) {
    page.sessions = new BroadcastChannel(`sse-hub session ${new URL('.', location.href).pathname}`);
    page.sessions.onmessage = resubscribe;
  }
  subscribe(topics);
}

start();
