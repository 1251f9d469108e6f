// Headless-browser test of the client page against a running sse-hub.
// Usage: node page-test.mjs <baseUrl>   (baseUrl ends with '/', e.g. http://127.0.0.1:8080/sse-hub/)
// Publishing uses the token in SSE_TEST_TOKEN (default: it-publish-token, as the test servers run).
// The page is loaded through a TCP forwarder owned by this test, so that the live stream can be
// cut for real (DevTools offline emulation does not end a response that is already streaming).
import net from 'node:net';
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { compareIds } from '../../main/webapp/feed.js';

const OVERALL_TIMEOUT_MS = 200_000;
const FIRST_EVENTS_TIMEOUT_MS = 15_000;
const STEP_TIMEOUT_MS = 15_000;
const RECONNECT_TIMEOUT_MS = 40_000;
const REFUSALS = 2;
const TOKEN = process.env.SSE_TEST_TOKEN || 'it-publish-token';
const MARKUP = '<img src=x onerror=alert(1)>';
const TABS = 8;
const TAKEOVER_MS = 2_000;
const HISTORY_SIZE = Number(process.env.SSE_TEST_HISTORY_SIZE || 1000);
const SCREENSHOT = process.env.PAGE_SCREENSHOT;
const JWT_SECRET = process.env.SSE_TEST_JWT_SECRET;
const SHORT_TOKEN_SECONDS = 8;
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const baseUrl = process.argv[2];
if (!baseUrl || !baseUrl.endsWith('/')) {
  console.error('usage: node page-test.mjs <baseUrl ending with />');
  process.exit(2);
}
const streamPath = new URL('api/events', baseUrl).pathname;
const topicsPath = new URL('api/topics/', baseUrl).pathname;
const freshTopic = `page-${Math.random().toString(36).slice(2, 10)}`;
const otherTopic = `${freshTopic}.b`;
const tabsTopic = `${freshTopic}.tabs`;
const soloTopic = `${freshTopic}.solo`;
const privateTopic = `private.${freshTopic}`;

const CHECKS = [
  ['page loads without console errors, page errors or CSP violations', checkLoads],
  ['status becomes open and ticker events arrive, newest first, text from data', checkFirstEvents],
  ['after a drop and 503s the page reconnects by itself and resumes from its last id', checkGiveUpAndReconnect],
  ['the topic picker refuses invalid names, then subscribes afresh: URL, list, stream and publish topic follow', checkTopicPicker],
  ['publishing text from the form shows its id; the entry arrives on top, named after the topic, text as sent', checkPublishText],
  ['an event name chosen in the form arrives: a "headline" entry', checkPublishEventName],
  ['an event whose name the page does not know is shown, named as received', checkUnknownEventName],
  ['a wrong token shows the 401 problem\'s status and detail, and adds no entry', checkWrongToken],
  ['data that looks like markup is shown as literal text, no element is made from it', checkMarkupIsText],
  ['JSON data is sent as JSON (to the second topic); invalid JSON shows a message and is not sent', checkJson],
  ['a plain EventSource in the browser gets every event and, after a drop, resumes by itself with Last-Event-ID',
    checkEventSource],
  ['after a gap longer than the history the page says events were missed and starts a fresh list', checkReset],
  ['the page renders its parts (status, chart, list, forms) for the screenshot', checkScreenshot],
  ['the chart draws the rate, says it in words, and stops redrawing while the tab is hidden', checkChart],
  [`${TABS} tabs on the same topics share one stream and show the same ids; when the leading tab closes another`
    + ` takes over within ${TAKEOVER_MS / 1000} s, resuming with Last-Event-ID, no id missing or repeated`, checkTabs],
  ['without Web Locks each tab reads its own stream', checkWithoutLocks],
  ['a private topic: refused without a token; with one entered in the form it streams, says when the token expired,'
    + ' and resumes with a fresh one, no id missing or repeated; another browser context stays refused', checkPrivateTopic],
  ['keyboard alone can subscribe and publish', checkKeyboard],
  ['axe-core finds no accessibility violations', checkAxe],
  ['no page errors or CSP violations during the whole run', checkNoErrorsOverall],
];

const run = {
  page: null,
  forwarder: null,
  consoleErrors: [],
  pageErrors: [],
  cspViolations: [],
  streamRequests: [],
  publishRequests: [],
  tickerMessages: new Map(),
  passed: 0,
  finished: false,
};

// Listens on a loopback port and pipes every connection to the server; drop() cuts them all.
async function startForwarder(target) {
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port) || (target.protocol === 'https:' ? 443 : 80), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const pageUrl = new URL(baseUrl);
  pageUrl.hostname = '127.0.0.1';
  pageUrl.port = String(server.address().port);
  return {
    pageUrl: pageUrl.href,
    drop: () => sockets.forEach((socket) => socket.destroy()),
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      server.close();
    },
  };
}

// True for a URL of the event stream endpoint under the base URL.
function isStreamUrl(url) {
  return new URL(url).pathname === streamPath;
}

// True for a URL of the publish endpoint (api/topics/{topic}/events) under the base URL.
function isPublishUrl(url) {
  const { pathname } = new URL(url);
  return pathname.startsWith(topicsPath) && pathname.endsWith('/events');
}

// Fails the current check with a message.
function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

// The list entries as the page shows them, top first.
async function shownEvents() {
  return run.page.$$eval('#events li', (items) => items.map((li) => ({
    id: li.dataset.id,
    event: li.dataset.event,
    message: li.querySelector('.event-message')?.textContent,
  })));
}

// Waits until #status has the given state as its text and as a class.
async function waitForStatus(state, timeout) {
  await run.page.waitForFunction((s) => {
    const status = document.getElementById('status');
    return status && status.textContent.trim() === s && status.classList.contains(s);
  }, state, { timeout });
}

// What the topic picker and its surroundings show.
async function pickerState() {
  return run.page.evaluate(() => ({
    input: document.getElementById('topics-input').value,
    topics: document.getElementById('topics').textContent,
    message: document.getElementById('topics-message').textContent,
    messageHidden: document.getElementById('topics-message').hidden,
    publishTopic: document.getElementById('publish-topic').value,
    search: location.search,
    entries: document.querySelectorAll('#events li').length,
  }));
}

// Submits the topic picker with this text.
async function subscribeWith(text) {
  await run.page.fill('#topics-input', text);
  await run.page.click('#topics-submit');
}

// Fills in the publish form and submits it.
async function submitPublish({ topic = freshTopic, event = '', data, json = false, token = TOKEN }) {
  await run.page.fill('#publish-topic', topic);
  await run.page.fill('#publish-event', event);
  await run.page.fill('#publish-data', data);
  await run.page.setChecked('#publish-json', json);
  await run.page.fill('#publish-token', token);
  await run.page.click('#publish-submit');
}

// Publishes from the form; returns the server's answer as status and parsed body.
async function publishFromForm(fields) {
  const answer = run.page.waitForResponse((response) => response.request().method() === 'POST'
    && isPublishUrl(response.url()), { timeout: STEP_TIMEOUT_MS });
  await submitPublish(fields);
  const response = await answer;
  return { status: response.status(), body: await response.json().catch(() => null) };
}

// Waits until #publish-result contains all of these texts.
async function waitForResult(...texts) {
  await run.page.waitForFunction((wanted) => {
    const shown = document.getElementById('publish-result').textContent;
    return wanted.every((text) => shown.includes(text));
  }, texts, { timeout: STEP_TIMEOUT_MS }).catch(async () => {
    const shown = await run.page.$eval('#publish-result', (result) => result.textContent);
    assert(false, `the publish result "${shown}" does not show ${JSON.stringify(texts)}`);
  });
}

// Waits until the top entry of the list has this id; returns the entries, top first.
async function waitForTopEntry(id) {
  await run.page.waitForFunction((wanted) => document.querySelector('#events li')?.dataset.id === wanted,
    id, { timeout: STEP_TIMEOUT_MS }).catch(async () => {
    const top = (await shownEvents())[0];
    assert(false, `entry ${id} did not come to the top of the list; the top is ${JSON.stringify(top)}`);
  });
  return shownEvents();
}

// Reads the stream from Node, independently of the browser, to learn each ticker id's message.
async function watchTickerFromNode(signal) {
  const url = new URL('api/events', baseUrl);
  const response = await fetch(url, { signal, headers: { accept: 'text/event-stream' } })
    .catch((error) => assert(false, `GET ${url} from Node failed: ${error.cause?.code ?? error.message}`));
  assert(response.ok, `GET api/events from Node answered ${response.status}`);
  const lines = response.body.pipeThrough(new TextDecoderStream()).getReader();
  parseStream(lines).catch(() => {});
}

// Minimal SSE parser filling run.tickerMessages with id -> data.message.
async function parseStream(reader) {
  let buffer = '';
  let event = { data: [] };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value;
    const parts = buffer.split(/\r\n|\r|\n/);
    buffer = parts.pop();
    for (const line of parts) {
      if (line === '') {
        if (event.event === 'ticker' && event.id) {
          run.tickerMessages.set(event.id, JSON.parse(event.data.join('\n')).message);
        }
        event = { data: [] };
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') {
          event.data.push(val);
        } else {
          event[field] = val;
        }
      }
    }
  }
}

// Check 1: the page loads, runs and renders without any error.
async function checkLoads() {
  await run.page.goto(run.forwarder.pageUrl, { waitUntil: 'load', timeout: 10_000 });
  await run.page.locator('#events li').first().waitFor({ timeout: FIRST_EVENTS_TIMEOUT_MS });
  const problems = [...run.consoleErrors, ...run.pageErrors, ...run.cspViolations];
  assert(problems.length === 0, problems.join(' | '));
}

// Check 2: open status, two or more ticker events, newest first, text exactly the data's message.
async function checkFirstEvents() {
  await waitForStatus('open', FIRST_EVENTS_TIMEOUT_MS);
  await run.page.waitForFunction(() => document.querySelectorAll('#events li').length >= 2,
    null, { timeout: FIRST_EVENTS_TIMEOUT_MS });
  const events = await shownEvents();
  for (let i = 1; i < events.length; i++) {
    assert(compareIds(events[i - 1].id, events[i].id) > 0, `ids not decreasing: ${events.map((e) => e.id)}`);
  }
  for (const e of events.slice(0, 2)) {
    assert(e.event === 'ticker', `entry ${e.id} has data-event=${e.event}`);
    await waitUntil(() => run.tickerMessages.has(e.id), STEP_TIMEOUT_MS, `Node reader never saw id ${e.id}; it saw ${[...run.tickerMessages.keys()].join(",")}`);
    const expected = run.tickerMessages.get(e.id);
    assert(e.message === expected, `entry ${e.id} shows "${e.message}", data says "${expected}"`);
  }
}

// Check 3: cut the live stream, refuse the next connections with 503, expect the page's own resume.
async function checkGiveUpAndReconnect() {
  let refused = 0;
  await run.page.route((url) => isStreamUrl(url.href), async (route) => {
    if (refused < REFUSALS) {
      refused += 1;
      await route.fulfill({
        status: 503,
        headers: { 'retry-after': '1' },
        contentType: 'application/problem+json',
        body: JSON.stringify({ title: 'Too many connections', status: 503 }),
      });
    } else {
      await route.continue();
    }
  });
  const dropAt = run.streamRequests.length;
  run.forwarder.drop();
  await waitForStatus('reconnecting', STEP_TIMEOUT_MS);
  const lastShown = (await shownEvents())[0].id;
  await waitForStatus('open', RECONNECT_TIMEOUT_MS);
  assert(refused === REFUSALS, `only ${refused} of ${REFUSALS} reconnection attempts reached the 503 route`);
  const resumed = run.streamRequests.slice(dropAt).map((request) => request.lastEventId);
  assert(resumed.length > REFUSALS, `only ${resumed.length} stream requests after the drop`);
  assert(resumed.every((id) => id === lastShown), `resumed with Last-Event-ID ${resumed}, last shown was ${lastShown}`);

  await run.page.waitForFunction((last) => {
    const top = document.querySelector('#events li');
    return top && top.dataset.id !== last;
  }, lastShown, { timeout: STEP_TIMEOUT_MS });
  const events = await shownEvents();
  assert(compareIds(events[0].id, lastShown) > 0, `newest id ${events[0].id} is not after ${lastShown}`);
  assert(new Set(events.map((e) => e.id)).size === events.length, `an id is shown twice: ${events.map((e) => e.id)}`);
  await run.page.unrouteAll();
}

// Check 4: an invalid name changes nothing; valid names replace the subscription, forgetting the old id and list.
async function checkTopicPicker() {
  const initial = await pickerState();
  assert(initial.input === 'ticker', `the picker starts with "${initial.input}", not the page's topic "ticker"`);
  assert(initial.publishTopic === 'ticker', `the publish topic starts as "${initial.publishTopic}"`);

  await subscribeWith(`${freshTopic}, bad/name`);
  await run.page.locator('#topics-message').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  const refused = await pickerState();
  assert(refused.message.includes('bad/name'), `the message "${refused.message}" does not name the invalid topic`);
  assert(refused.search === '' && refused.topics === 'ticker', `an invalid name still resubscribed: ${refused.search}`);

  const requestsBefore = run.streamRequests.length;
  const wanted = [freshTopic, otherTopic];
  await subscribeWith(`${freshTopic}, ${otherTopic} ${freshTopic}`);
  await run.page.waitForFunction((text) => document.getElementById('topics').textContent === text,
    wanted.join(', '), { timeout: STEP_TIMEOUT_MS });
  await waitForStatus('open', STEP_TIMEOUT_MS);
  const after = await pickerState();
  assert(after.search === `?topic=${freshTopic}&topic=${otherTopic}`, `the page URL became ${after.search}`);
  assert(after.messageHidden, 'the message about the invalid name is still shown');
  assert(after.entries === 0, `${after.entries} entries of the old subscription are still listed`);
  assert(after.publishTopic === freshTopic, `the publish topic is "${after.publishTopic}", not the first subscribed`);

  const asksFor = ({ url }) => new URL(url).searchParams.getAll('topic').join() === wanted.join();
  const urls = () => run.streamRequests.slice(requestsBefore).map(({ url }) => url);
  await waitUntil(() => run.streamRequests.slice(requestsBefore).some(asksFor), STEP_TIMEOUT_MS,
    `no stream request for ${wanted}; requests: ${urls()}`);
  const requests = run.streamRequests.slice(requestsBefore);
  assert(requests.every(asksFor), `a stream of other topics was requested: ${urls()}`);
  assert(requests.every(({ lastEventId }) => !lastEventId), 'the old subscription\'s Last-Event-ID was sent');
}

// Check 5: text/plain without an event name: the id is shown, and the entry is named after the topic.
async function checkPublishText() {
  let disabledWhileSending = null;
  await run.page.route((url) => isPublishUrl(url.href), async (route) => {
    disabledWhileSending = await run.page.$eval('#publish-submit', (button) => button.disabled);
    await route.continue();
  });
  const { status, body } = await publishFromForm({ data: 'hello\nworld' });
  await run.page.unrouteAll();
  assert(status === 201, `POST answered ${status} ${JSON.stringify(body)}`);
  await waitForResult(`published as id ${body.id}`);
  const [top] = await waitForTopEntry(body.id);
  assert(top.event === freshTopic, `the entry's event name is "${top.event}", not the topic`);
  assert(top.message === 'hello\nworld', `the entry shows ${JSON.stringify(top.message)}`);

  const sent = run.publishRequests.at(-1);
  assert(sent.contentType.startsWith('text/plain') && sent.body === 'hello\nworld', `sent ${sent.contentType}: ${sent.body}`);
  assert(disabledWhileSending === true, 'the Publish button was not disabled while sending');
  assert(!(await run.page.$eval('#publish-submit', (button) => button.disabled)), 'the Publish button stayed disabled');
  const leaked = await run.page.evaluate((token) => localStorage.length + sessionStorage.length > 0
    || location.href.includes(token), TOKEN);
  assert(!leaked && run.publishRequests.every((r) => !r.url.includes(TOKEN)), 'the token was stored or put in a URL');
}

// Check 6: an event name other than the topic reaches the page because the page listens for it.
async function checkPublishEventName() {
  const { status, body } = await publishFromForm({ event: 'headline', data: 'Extra! Extra!' });
  assert(status === 201, `POST answered ${status} ${JSON.stringify(body)}`);
  const [top] = await waitForTopEntry(body.id);
  assert(top.event === 'headline', `the entry's event name is "${top.event}"`);
  assert(top.message === 'Extra! Extra!', `the entry shows ${JSON.stringify(top.message)}`);
}

// Check 7: the refused publication shows the server's problem; the next accepted one is the only new entry.
async function checkWrongToken() {
  const countBefore = (await shownEvents()).length;
  const refusedData = `refused ${freshTopic}`;
  const refused = await publishFromForm({ data: refusedData, token: 'wrong-token' });
  assert(refused.status === 401, `a wrong token was answered ${refused.status}`);
  assert(refused.body?.detail, `the 401 answer has no problem detail: ${JSON.stringify(refused.body)}`);
  await waitForResult('401', refused.body.title, refused.body.detail);

  // Events arrive in id order: had the refused one been published, it would come before this one.
  const { body } = await publishFromForm({ data: 'after the refusal' });
  const events = await waitForTopEntry(body.id);
  assert(events.length === countBefore + 1, `${events.length - countBefore} entries were added, not 1`);
  assert(events.every((e) => e.message !== refusedData), 'the refused data is listed');
}

// Check 8: markup in the data stays text.
async function checkMarkupIsText() {
  const { status, body } = await publishFromForm({ data: MARKUP });
  assert(status === 201, `POST answered ${status} ${JSON.stringify(body)}`);
  await waitForTopEntry(body.id);
  const shown = await run.page.$eval('#events li .event-message', (span) => ({
    text: span.textContent,
    children: span.children.length,
  }));
  assert(shown.text === MARKUP && shown.children === 0, `the entry shows "${shown.text}" with ${shown.children} elements`);
  const made = await run.page.$$eval('#events img, #events script', (elements) => elements.length);
  assert(made === 0, `${made} elements were made from the data`);
}

// Check 9: "send as JSON" posts {"data": ...}; invalid JSON is refused by the page, before any request.
async function checkJson() {
  const sentBefore = run.publishRequests.length;
  await submitPublish({ topic: otherTopic, data: '{"message": oops', json: true });
  await run.page.waitForFunction(() => {
    const result = document.getElementById('publish-result');
    return result.classList.contains('error') && result.textContent.includes('JSON');
  }, null, { timeout: STEP_TIMEOUT_MS });

  const { status, body } = await publishFromForm({ topic: otherTopic, data: '{"message": "sent as JSON"}', json: true });
  assert(status === 201, `POST answered ${status} ${JSON.stringify(body)}`);
  const [top] = await waitForTopEntry(body.id);
  assert(top.event === otherTopic && top.message === 'sent as JSON', `the entry is ${JSON.stringify(top)}`);
  const sent = run.publishRequests.slice(sentBefore);
  assert(sent.length === 1, `${sent.length} requests were sent; the invalid JSON must not be`);
  assert(sent[0].contentType.startsWith('application/json')
    && JSON.stringify(JSON.parse(sent[0].body)) === '{"data":{"message":"sent as JSON"}}', `sent ${sent[0].body}`);
}

// Publishes from Node with the test token; returns the new event's id.
async function publish(topic, body, contentType = 'text/plain') {
  const response = await fetch(new URL(`api/topics/${topic}/events`, baseUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType },
    body,
  });
  const answer = await response.json().catch(() => null);
  assert(response.status === 201, `publishing to ${topic} from Node answered ${response.status} ${JSON.stringify(answer)}`);
  return answer.id;
}

// The subscriber count GET api/topics gives for this topic (0 if it is not listed).
async function subscribers(topic) {
  const response = await fetch(new URL('api/topics?limit=1000', baseUrl));
  const topics = await response.json();
  return topics.find((t) => t.topic === topic)?.subscribers ?? 0;
}

// The subscriber count GET api/topics gives to a bearer of this token.
async function subscribersSeenBy(topic, token) {
  const response = await fetch(new URL('api/topics?limit=1000', baseUrl), { headers: { authorization: `Bearer ${token}` } });
  const topics = await response.json();
  return topics.find((t) => t.topic === topic)?.subscribers ?? 0;
}

// An HS256 subscriber JWT signed with the test servers' secret.
function subscriberToken(patterns, seconds) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ subscribe: patterns, exp: Math.floor(Date.now() / 1000) + seconds })}`;
  return `${unsigned}.${createHmac('sha256', JWT_SECRET).update(unsigned).digest('base64url')}`;
}

async function waitForState(page, state, timeout = STEP_TIMEOUT_MS) {
  await page.waitForFunction((wanted) => document.getElementById('status').textContent === wanted, state, { timeout })
    .catch(async () => {
      const shown = await page.$eval('#status', (status) => status.textContent);
      const note = await page.$eval('#note', (n) => n.textContent);
      assert(false, `the status is ${shown}, not ${state} (note: ${note})`);
    });
}

async function useToken(page, token) {
  await page.fill('#session-token', token);
  await page.click('#session-use');
  await page.waitForFunction(() => document.getElementById('session-result').textContent.startsWith('Token accepted'),
    null, { timeout: STEP_TIMEOUT_MS });
}

// Waits until the page's list has exactly these ids, top first; returns what it shows.
async function waitForIds(page, ids, what) {
  await page.waitForFunction((wanted) => [...document.querySelectorAll('#events li')].map((li) => li.dataset.id).join()
    === wanted.join(), ids, { timeout: STEP_TIMEOUT_MS }).catch(async () => {
    const shown = await page.$$eval('#events li', (items) => items.map((li) => li.dataset.id));
    assert(false, `${what} shows ${shown.join(',')}, not ${ids.join(',')}`);
  });
}

// An event named by its publisher, announced nowhere on the page, is listed under that name.
async function checkUnknownEventName() {
  const name = `surprise-${Math.random().toString(36).slice(2, 8)}`;
  const id = await publish(freshTopic, JSON.stringify({ event: name, data: { message: 'unannounced' } }), 'application/json');
  const [top] = await waitForTopEntry(id);
  assert(top.event === name && top.message === 'unannounced', `the entry is ${JSON.stringify(top)}`);
}

// The page is cut off while more events than the history keeps are published; on its return the server answers
// with reset, and the page says that events were missed and lists only what comes after.
async function checkReset() {
  const before = (await shownEvents())[0]?.id;
  await run.page.route((url) => isStreamUrl(url.href), (route) => route.fulfill({
    status: 503,
    headers: { 'retry-after': '1' },
    contentType: 'application/problem+json',
    body: JSON.stringify({ title: 'Unavailable', status: 503 }),
  }));
  run.forwarder.drop();
  await waitForStatus('reconnecting', STEP_TIMEOUT_MS);
  const chains = [0, 1, 2, 3].map(async (chain) => {
    for (let i = chain; i <= HISTORY_SIZE; i += 4) {
      await publish(freshTopic, `missed ${i}`);
    }
  });
  await Promise.all(chains);
  await run.page.unrouteAll();
  await run.page.locator('#note').waitFor({ state: 'visible', timeout: RECONNECT_TIMEOUT_MS });
  const note = await run.page.$eval('#note', (element) => element.textContent);
  assert(/events were missed/i.test(note), `the note says "${note}"`);
  await waitForStatus('open', STEP_TIMEOUT_MS);
  const listed = await shownEvents();
  assert(listed.every((e) => !e.message.startsWith('missed') && e.id !== before), `old entries are still listed: ${listed.map((e) => e.id)}`);
  const after = await publish(freshTopic, 'after the reset');
  const [top] = await waitForTopEntry(after);
  assert(top.message === 'after the reset', `the entry is ${JSON.stringify(top)}`);
  assert((await shownEvents()).length === 1, 'the list did not start afresh');
}

// Whether the chart canvas has any drawn pixel.
function chartDrawn(page) {
  return page.$eval('#chart', (canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    return data.some((value, i) => i % 4 === 3 && value > 0);
  });
}

// On the ticker: the parts a user sees are there; the screenshot is taken if asked for.
async function checkScreenshot() {
  await subscribeWith('ticker');
  await waitForStatus('open', STEP_TIMEOUT_MS);
  await run.page.waitForFunction(() => document.querySelectorAll('#events li').length >= 8, null,
    { timeout: STEP_TIMEOUT_MS });
  for (const selector of ['#status', '#sharing', '#chart', '#chart-summary', '#events li', '#topics-form', '#publish-form']) {
    assert(await run.page.locator(selector).first().isVisible(), `${selector} is not visible`);
  }
  assert(await chartDrawn(run.page), 'the chart is blank');
  if (SCREENSHOT) {
    await run.page.setViewportSize({ width: 1000, height: 1100 });
    await run.page.screenshot({ path: SCREENSHOT });
    console.log(`screenshot written to ${SCREENSHOT}`);
  }
}

// The chart's summary counts the ticker; while the tab is hidden the canvas is left alone, and redrawn once shown.
async function checkChart() {
  await run.page.waitForFunction(() => /^[1-9]\d* events\/s .* in the last minute .*connection open\.$/
    .test(document.getElementById('chart-summary').textContent), null, { timeout: STEP_TIMEOUT_MS });
  const label = await run.page.$eval('#chart', (canvas) => canvas.getAttribute('aria-label'));
  assert(label.includes('events/s'), `the chart's label is "${label}"`);
  await run.page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  const hidden = await run.page.$eval('#chart', (canvas) => canvas.toDataURL());
  const summary = await run.page.$eval('#chart-summary', (p) => p.textContent);
  const top = (await shownEvents())[0].id;
  await run.page.waitForFunction((id) => {
    const ids = [...document.querySelectorAll('#events li')].map((li) => li.dataset.id);
    return ids.indexOf(id) >= 4;
  }, top, { timeout: STEP_TIMEOUT_MS });
  assert(await run.page.$eval('#chart', (canvas) => canvas.toDataURL()) === hidden, 'the chart was redrawn while hidden');
  assert(await run.page.$eval('#chart-summary', (p) => p.textContent) === summary, 'the summary changed while hidden');
  await run.page.evaluate(() => {
    delete document.hidden;
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await run.page.waitForFunction((before) => document.getElementById('chart').toDataURL() !== before, hidden,
    { timeout: STEP_TIMEOUT_MS });
}

// Opens a tab of the page on this topic in the context.
async function openTab(context, topic) {
  const page = await context.newPage();
  page.on('pageerror', (error) => run.pageErrors.push(`page error in a tab of ${topic}: ${error.message}`));
  await page.goto(`${baseUrl}?topic=${topic}`, { waitUntil: 'load', timeout: 10_000 });
  return page;
}

// The tab that reads the stream, among these.
async function leaderOf(tabs) {
  for (const tab of tabs) {
    if (await tab.evaluate(() => document.body.dataset.leading === 'true')) {
      return tab;
    }
  }
  return null;
}

async function checkTabs(browser) {
  const context = await browser.newContext();
  const resumes = [];
  context.on('request', (request) => {
    if (isStreamUrl(request.url()) && new URL(request.url()).searchParams.get('topic') === tabsTopic) {
      resumes.push(request.headers()['last-event-id'] ?? '');
    }
  });
  try {
    const tabs = [];
    for (let i = 0; i < TABS; i++) {
      tabs.push(await openTab(context, tabsTopic));
    }
    await waitUntilAsync(async () => (await subscribers(tabsTopic)) === 1, STEP_TIMEOUT_MS,
      `the hub does not count 1 stream for ${tabsTopic}`);
    const published = [];
    for (let i = 0; i < 3; i++) {
      published.unshift(await publish(tabsTopic, `shared ${i}`));
    }
    for (const [i, tab] of tabs.entries()) {
      await waitForIds(tab, published, `tab ${i + 1}`);
    }
    assert((await subscribers(tabsTopic)) === 1, `the hub counts ${await subscribers(tabsTopic)} streams for ${TABS} tabs`);

    const leader = await leaderOf(tabs);
    assert(leader, 'no tab says it reads the stream');
    const lastBeforeClose = published[0];
    const publishing = (async () => {
      for (let i = 0; i < 20; i++) {
        published.unshift(await publish(tabsTopic, `during ${i}`));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const closedAt = Date.now();
    await leader.close();
    const rest = tabs.filter((tab) => tab !== leader);
    await waitUntilAsync(async () => {
      const next = await leaderOf(rest);
      return next !== null && (await next.$eval('#status', (status) => status.textContent)) === 'open';
    }, TAKEOVER_MS + 1000, 'no tab took over the stream');
    const tookOver = Date.now() - closedAt;
    assert(tookOver <= TAKEOVER_MS, `a tab took over after ${tookOver} ms`);
    await publishing;
    assert(resumes.length === 2 && resumes[0] === '' && resumes[1] !== '' && compareIds(resumes[1], lastBeforeClose) >= 0,
      `the stream requests carried Last-Event-ID ${JSON.stringify(resumes)}; the last id before the close was ${lastBeforeClose}`);
    for (const [i, tab] of rest.entries()) {
      await waitForIds(tab, published, `tab ${i + 1} of the ${rest.length} left`);
    }
    assert((await subscribers(tabsTopic)) === 1, `after the takeover the hub counts ${await subscribers(tabsTopic)} streams`);
  } finally {
    await context.close();
  }
}

async function checkWithoutLocks(browser) {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    delete Navigator.prototype.locks;
  });
  try {
    const tabs = [await openTab(context, soloTopic), await openTab(context, soloTopic)];
    await waitUntilAsync(async () => (await subscribers(soloTopic)) === 2, STEP_TIMEOUT_MS,
      `the hub does not count 2 streams for 2 tabs without Web Locks: ${await subscribers(soloTopic)}`);
    const id = await publish(soloTopic, 'each tab its own');
    for (const [i, tab] of tabs.entries()) {
      await waitForIds(tab, [id], `tab ${i + 1}`);
      const sharing = await tab.$eval('#sharing', (p) => p.textContent);
      assert(sharing.includes('its own stream'), `tab ${i + 1} says "${sharing}"`);
    }
  } finally {
    await context.close();
  }
}

// A page on a private topic is refused until a token is entered; the token expires, a fresh one resumes the list;
// "Forget token" clears the cookie. A second browser context, without the cookie, stays refused.
async function checkPrivateTopic(browser) {
  assert(JWT_SECRET, 'SSE_TEST_JWT_SECRET is not set');
  const context = await browser.newContext();
  const stranger = await browser.newContext();
  try {
    const page = await context.newPage();
    page.on('pageerror', (error) => run.pageErrors.push(`page error (private topic): ${error.message}`));
    const resumedFrom = [];
    page.on('request', (request) => isStreamUrl(request.url()) && resumedFrom.push(request.headers()['last-event-id']));
    await page.goto(`${baseUrl}?topic=${privateTopic}`, { waitUntil: 'load', timeout: 10_000 });
    await waitForState(page, 'denied');
    const refusal = await page.$eval('#note', (note) => note.textContent);
    assert(refusal.includes('Private topics') && refusal.includes(privateTopic), `the note says: ${refusal}`);

    const expiresAt = Date.now() + SHORT_TOKEN_SECONDS * 1000;
    await useToken(page, subscriberToken(['private.*'], SHORT_TOKEN_SECONDS));
    await waitForState(page, 'open');
    const cookie = (await context.cookies()).find((c) => c.name === 'sse_token');
    assert(cookie?.httpOnly && cookie.sameSite === 'Strict', `the cookie is ${JSON.stringify(cookie)}`);
    assert(!(await page.evaluate(() => document.cookie)).includes('sse_token'), 'the page script can read the cookie');
    const first = await publish(privateTopic, 'for token holders');
    await waitForIds(page, [first], 'the private page');

    await waitForState(page, 'expired', expiresAt - Date.now() + 1000 + STEP_TIMEOUT_MS);
    const expired = await page.$eval('#note', (note) => note.textContent);
    assert(expired.includes('expired'), `the note says: ${expired}`);
    const missed = await publish(privateTopic, 'while the token was expired');

    const fresh = subscriberToken(['private.*'], 120);
    await useToken(page, fresh);
    await waitForState(page, 'open');
    await waitForIds(page, [missed, first], 'the private page after a fresh token');
    assert(await page.$eval('#note', (note) => note.hidden), 'the note about the expired token is still shown');
    assert(await subscribersSeenBy(privateTopic, fresh) === 1, 'the hub does not count the page\'s stream');
    assert(resumedFrom.at(-1) === first, `the fresh stream resumed from ${resumedFrom.at(-1)}, not ${first}`);

    await page.click('#session-forget');
    await page.waitForFunction(() => document.getElementById('session-result').textContent === 'Token forgotten.', null,
      { timeout: STEP_TIMEOUT_MS });
    await waitForState(page, 'denied');
    assert(!(await context.cookies()).some((c) => c.name === 'sse_token'), 'the cookie is still set after "Forget token"');

    const other = await stranger.newPage();
    other.on('pageerror', (error) => run.pageErrors.push(`page error (private topic, no token): ${error.message}`));
    await other.goto(`${baseUrl}?topic=${privateTopic}`, { waitUntil: 'load', timeout: 10_000 });
    await waitForState(other, 'denied');
    // The first page's stream ends when the hub next writes to it (a heartbeat): then no page holds one.
    await waitUntilAsync(async () => await subscribersSeenBy(privateTopic, fresh) === 0, STEP_TIMEOUT_MS,
      'a refused page holds a stream');
  } finally {
    await context.close();
    await stranger.close();
  }
}

// Tab to the topic field, subscribe with Enter; Tab through the publish form, publish with Enter on the button.
async function checkKeyboard(browser) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(baseUrl, { waitUntil: 'load', timeout: 10_000 });
    const tabTo = async (id) => {
      for (let i = 0; i < 30; i++) {
        if (await page.evaluate((wanted) => document.activeElement?.id === wanted, id)) {
          return;
        }
        await page.keyboard.press('Tab');
      }
      assert(false, `Tab never reaches #${id}`);
    };
    await tabTo('topics-input');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(freshTopic);
    await page.keyboard.press('Enter');
    await page.waitForFunction((topic) => document.getElementById('topics').textContent === topic, freshTopic,
      { timeout: STEP_TIMEOUT_MS });
    await tabTo('publish-data');
    await page.keyboard.type('typed, not clicked');
    await tabTo('publish-token');
    await page.keyboard.type(TOKEN);
    await tabTo('publish-submit');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('publish-result').textContent.startsWith('published as id'),
      null, { timeout: STEP_TIMEOUT_MS });
    await page.waitForFunction(() => document.querySelector('#events li .event-message')?.textContent === 'typed, not clicked',
      null, { timeout: STEP_TIMEOUT_MS });
  } finally {
    await context.close();
  }
}

// axe-core needs to run a script in the page, so this context bypasses the page's CSP (the main page keeps it).
async function checkAxe(browser) {
  const context = await browser.newContext({ bypassCSP: true });
  try {
    const page = await context.newPage();
    await page.goto(baseUrl, { waitUntil: 'load', timeout: 10_000 });
    await page.locator('#events li').first().waitFor({ timeout: FIRST_EVENTS_TIMEOUT_MS });
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => (await window.axe.run(document)).violations
      .map((v) => `${v.id} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`));
    assert(violations.length === 0, violations.join(' | '));
  } finally {
    await context.close();
  }
}

// Polls an async Node-side condition until it holds or the timeout passes.
async function waitUntilAsync(condition, timeout, message) {
  const until = Date.now() + timeout;
  while (!(await condition())) {
    assert(Date.now() < until, message);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// The browser's own EventSource, as an integrator's page would use it: every event arrives, and after a drop the
// browser reconnects by itself, sending Last-Event-ID, and gets what it missed.
async function checkEventSource(browser) {
  const context = await browser.newContext();
  const topic = `${freshTopic}.es`;
  const resumes = [];
  context.on('request', (request) => {
    if (isStreamUrl(request.url()) && new URL(request.url()).searchParams.get('topic') === topic) {
      resumes.push(request.allHeaders().then((headers) => headers['last-event-id'] ?? ''));
    }
  });
  try {
    const page = await context.newPage();
    await page.goto(run.forwarder.pageUrl, { waitUntil: 'load', timeout: 10_000 });
    await page.evaluate((t) => {
      window.seen = [];
      window.source = new EventSource(`api/events?topic=${t}`);
      window.source.addEventListener(t, (event) => window.seen.push(event.lastEventId));
      return new Promise((resolve) => window.source.addEventListener('open', resolve, { once: true }));
    }, topic);
    const ids = [await publish(topic, 'one'), await publish(topic, 'two')];
    const seen = (wanted) => page.waitForFunction((w) => window.seen.join() === w.join(), wanted, { timeout: RECONNECT_TIMEOUT_MS })
      .catch(async () => assert(false, `EventSource saw ${await page.evaluate(() => window.seen)}, not ${wanted}`));
    await seen(ids);
    run.forwarder.drop();
    await page.waitForFunction(() => window.source.readyState === EventSource.CONNECTING, null, { timeout: STEP_TIMEOUT_MS });
    ids.push(await publish(topic, 'three'), await publish(topic, 'four'));
    await seen(ids);
    const sent = await Promise.all(resumes);
    assert(sent.length >= 2 && sent[0] === '' && sent.slice(1).every((id) => id === ids[1]),
      `the EventSource's requests carried Last-Event-ID ${JSON.stringify(sent)}`);
  } finally {
    await context.close();
  }
}

// Check 10: the failures caused on purpose made no script error or CSP violation.
async function checkNoErrorsOverall() {
  const problems = [...run.pageErrors, ...run.cspViolations];
  assert(problems.length === 0, problems.join(' | '));
}

// Polls a Node-side condition (not the DOM) until it holds or the timeout passes.
async function waitUntil(condition, timeout, message) {
  const until = Date.now() + timeout;
  while (!condition()) {
    assert(Date.now() < until, message);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Opens the page with listeners for console errors, page errors, CSP violations, stream and publish requests.
async function openPage(browser) {
  const page = await browser.newPage({ ignoreHTTPSErrors: true });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      (msg.text().startsWith('CSP violation') ? run.cspViolations : run.consoleErrors).push(msg.text());
    }
  });
  page.on('pageerror', (error) => run.pageErrors.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (isStreamUrl(request.url())) {
      run.streamRequests.push({ url: request.url(), lastEventId: request.headers()['last-event-id'] });
    } else if (request.method() === 'POST' && isPublishUrl(request.url())) {
      run.publishRequests.push({ url: request.url(), contentType: request.headers()['content-type'] ?? '', body: request.postData() });
    }
  });
  return page;
}

// Runs one check, printing one line; a check finishing after the overall timeout is ignored.
async function check(name, fn, browser) {
  try {
    await fn(browser);
    if (!run.finished) {
      run.passed += 1;
      console.log(`PASS ${name}`);
    }
  } catch (error) {
    if (!run.finished) {
      console.log(`FAIL ${name}: ${error.message.split('\n')[0]}`);
    }
  }
}

// Runs all checks in order on one page.
async function runChecks(browser, signal) {
  await watchTickerFromNode(signal);
  run.forwarder = await startForwarder(new URL(baseUrl));
  run.page = await openPage(browser);
  for (const [name, fn] of CHECKS) {
    await check(name, fn, browser);
  }
}

// Rejects after ms, so a hung server cannot hang the test.
function overallTimeout(ms) {
  return new Promise((_, reject) => {
    setTimeout(() => reject(new Error(`overall timeout of ${ms / 1000} s reached`)), ms).unref();
  });
}

// Entry point: launch Chromium, run the checks, always close it, print the summary.
async function main() {
  const nodeReader = new AbortController();
  let browser;
  try {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
    await Promise.race([runChecks(browser, nodeReader.signal), overallTimeout(OVERALL_TIMEOUT_MS)]);
  } catch (error) {
    console.log(`FAIL ${error.message.split('\n')[0]}`);
  } finally {
    run.finished = true;
    nodeReader.abort();
    run.forwarder?.close();
    await browser?.close().catch(() => {});
  }
  const failed = CHECKS.length - run.passed;
  console.log(`${run.passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main();
