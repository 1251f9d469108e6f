// Headless-browser test of the client page against a running sse-hub.
// Usage: node page-test.mjs <baseUrl>   (baseUrl ends with '/', e.g. http://127.0.0.1:8080/sse-hub/)
// The page is loaded through a TCP forwarder owned by this test, so that the live stream can be
// cut for real (DevTools offline emulation does not end a response that is already streaming).
import net from 'node:net';
import { chromium } from 'playwright-core';

const OVERALL_TIMEOUT_MS = 100_000;
const FIRST_EVENTS_TIMEOUT_MS = 15_000;
const STEP_TIMEOUT_MS = 15_000;
const RECONNECT_TIMEOUT_MS = 40_000;
const REFUSALS = 2;
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

const CHECKS = [
  ['page loads without console errors, page errors or CSP violations', checkLoads],
  ['status becomes open and ticker events arrive, newest first, text from data', checkFirstEvents],
  ['after a drop and 503s the page reconnects by itself and resumes from its last id', checkGiveUpAndReconnect],
  ['no page errors or CSP violations during the whole run', checkNoErrorsOverall],
];

const run = {
  page: null,
  forwarder: null,
  consoleErrors: [],
  pageErrors: [],
  cspViolations: [],
  streamRequests: [],
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

// Compares two event ids: plain numbers, or Redis-style "millis-seq".
function compareIds(a, b) {
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
  const resumed = run.streamRequests.slice(dropAt)
    .map((url) => new URL(url).searchParams.get('lastEventId'))
    .filter((id) => id !== null);
  assert(resumed.length > 0, 'no reconnection carried lastEventId in its URL');
  assert(resumed.every((id) => id === lastShown), `resumed with lastEventId ${resumed}, last shown was ${lastShown}`);

  await run.page.waitForFunction((last) => {
    const top = document.querySelector('#events li');
    return top && top.dataset.id !== last;
  }, lastShown, { timeout: STEP_TIMEOUT_MS });
  const events = await shownEvents();
  assert(compareIds(events[0].id, lastShown) > 0, `newest id ${events[0].id} is not after ${lastShown}`);
  assert(new Set(events.map((e) => e.id)).size === events.length, `an id is shown twice: ${events.map((e) => e.id)}`);
  await run.page.unrouteAll();
}

// Check 4: the failures caused on purpose made no script error or CSP violation.
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

// Opens the page with listeners for console errors, page errors, CSP violations and stream requests.
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
      run.streamRequests.push(request.url());
    }
  });
  return page;
}

// Runs one check, printing one line; a check finishing after the overall timeout is ignored.
async function check(name, fn) {
  try {
    await fn();
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
    await check(name, fn);
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
