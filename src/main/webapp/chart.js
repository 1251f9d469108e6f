// Events per second over the last two minutes, with the connection state along the bottom, drawn on a canvas at
// most four times a second and not at all while the tab is hidden; a text line says the same for screen readers.

const SECONDS = 120;
const REDRAW_MS = 250;
const BAND = 6;
const STATE_COLORS = { open: '--ok', reconnecting: '--warn', connecting: '--muted', reset: '--error', denied: '--error', expired: '--error' };

export function createChart(canvas, summary) {
  const counts = new Array(SECONDS).fill(0);
  const states = new Array(SECONDS).fill('connecting');
  let second = Math.floor(Date.now() / 1000);
  let state = 'connecting';
  let dirty = true;
  let timer = 0;

  // Moves the window to the current second; seconds with no event count 0 and keep the current state.
  function advance() {
    const now = Math.floor(Date.now() / 1000);
    for (let steps = Math.min(now - second, SECONDS); steps > 0; steps--) {
      counts.shift();
      counts.push(0);
      states.shift();
      states.push(state);
      dirty = true;
    }
    second = now;
  }

  function color(name) {
    return getComputedStyle(canvas).getPropertyValue(name).trim() || '#888';
  }

  function draw() {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const context = canvas.getContext('2d');
    context.clearRect(0, 0, width, height);
    const band = BAND * ratio;
    const plot = height - band - 2 * ratio;
    const peak = Math.max(1, ...counts);
    const step = width / SECONDS;
    context.fillStyle = color('--accent');
    counts.forEach((count, i) => {
      const bar = (count / peak) * plot;
      context.fillRect(i * step, plot - bar, Math.max(1, step - ratio), bar);
    });
    states.forEach((name, i) => {
      context.fillStyle = color(STATE_COLORS[name] ?? '--muted');
      context.fillRect(i * step, height - band, Math.ceil(step), band);
    });
  }

  // The chart in words: the rate now, the total over the last minute, the peak and the state.
  function describe() {
    const lastMinute = counts.slice(-60).reduce((a, b) => a + b, 0);
    const now = counts.at(-2);
    const text = `${now} events/s in the last full second, ${lastMinute} in the last minute`
      + ` (peak ${Math.max(...counts)}/s over ${SECONDS / 60} minutes); connection ${state}.`;
    if (summary.textContent !== text) {
      summary.textContent = text;
    }
    canvas.setAttribute('aria-label', `Events per second over the last ${SECONDS / 60} minutes: ${text}`);
  }

  function tick() {
    advance();
    if (dirty) {
      draw();
      describe();
      dirty = false;
    }
  }

  function resume() {
    clearInterval(timer);
    timer = document.hidden ? 0 : setInterval(tick, REDRAW_MS);
    if (!document.hidden) {
      dirty = true;
      tick();
    }
  }

  document.addEventListener('visibilitychange', resume);
  resume();

  return {
    count() {
      advance();
      counts[SECONDS - 1] += 1;
      dirty = true;
    },
    state(name) {
      advance();
      state = name;
      states[SECONDS - 1] = name;
      dirty = true;
    },
    reset() {
      advance();
      states[SECONDS - 1] = 'reset';
      dirty = true;
    },
    clear() {
      counts.fill(0);
      dirty = true;
    },
  };
}
