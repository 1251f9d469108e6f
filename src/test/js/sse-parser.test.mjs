// The page's text/event-stream parser against the HTML standard's rules, fed in awkward chunks.
import assert from 'node:assert/strict';
import test from 'node:test';
import { createParser } from '../../main/webapp/sse.js';

function parse(chunks, lastEventId = '') {
  const events = [];
  const ids = [];
  const parser = createParser(lastEventId, (event) => events.push(event), (id) => ids.push(id));
  chunks.forEach((chunk) => parser.push(chunk));
  return { events, ids, retry: parser.retry };
}

test('fields, comments and the default type', () => {
  const { events } = parse([': hello\n\nid: 7\nevent: news\ndata: a\ndata:b\n\ndata: plain\n\n']);
  assert.deepEqual(events, [
    { type: 'news', data: 'a\nb', lastEventId: '7' },
    { type: 'message', data: 'plain', lastEventId: '7' },
  ]);
});

test('CR, LF and CRLF end lines, also when a CRLF is split between chunks', () => {
  const { events } = parse(['data: one\r', '\ndata: two\rdata: three\r\n', '\r', '\n', 'data: four\n\n']);
  assert.deepEqual(events.map((e) => e.data), ['one\ntwo\nthree', 'four']);
});

test('a line split anywhere, even inside its field name, is read whole', () => {
  const { events } = parse(['da', 'ta: x', 'y\n', 'ev', 'ent: e\n', '\n']);
  assert.deepEqual(events, [{ type: 'e', data: 'xy', lastEventId: '' }]);
});

test('an id with NUL is ignored; an empty id clears it; the id outlives the connection', () => {
  const { events, ids } = parse(['id: 5\ndata: a\n\nid: 6\0\ndata: b\n\nid\ndata: c\n\n'], '4');
  assert.deepEqual(events.map((e) => e.lastEventId), ['5', '5', '']);
  assert.deepEqual(ids, ['5', '5', '']);
  assert.deepEqual(parse([': ping\n\n'], '9').ids, ['9']);
});

test('a block without data dispatches nothing; retry takes digits only', () => {
  const { events, retry } = parse(['event: x\nretry: 12a\n\nretry: 4500\n\n']);
  assert.deepEqual(events, []);
  assert.equal(retry, 4500);
});

test('a value keeps everything after the first colon and one space', () => {
  const { events } = parse(['data:  two spaces: kept\n\n']);
  assert.equal(events[0].data, ' two spaces: kept');
});
