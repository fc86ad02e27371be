// Full-page screenshots of HTML emails with headless Chromium, driven over the DevTools protocol
// (no dependency): each shot at a viewport width (a phone's below 500 px), light or dark.
//   node scripts/email-screenshots.mjs SHOTS.json
// SHOTS.json: [{ "html": "/abs/email.html", "png": "docs/images/x.png", "width": 800, "dark": false, "top": 0, "height": 1200 }]
// (`top` and `height` are optional: without them the whole page.)
// Node 20 needs --experimental-websocket (email-screenshots.sh passes it when WebSocket is missing).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const shots = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const profile = mkdtempSync(join(tmpdir(), 'crosslift-chromium-'));
// The flags keep Chromium off the network and out of any profile.
const chromium = spawn(
  process.env.CHROMIUM ?? 'chromium',
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
    '--remote-debugging-port=0',
    'about:blank',
  ],
  { stdio: ['ignore', 'ignore', 'pipe'] },
);

try {
  const endpoint = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${seen.slice(-500)}`)), 30_000);
    chromium.stderr.on('data', (chunk) => {
      seen += chunk;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    chromium.on('exit', (code) => reject(new Error(`Chromium exited (${code}): ${seen.slice(-500)}`)));
  });

  const socket = new WebSocket(endpoint);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let nextId = 1;
  const pending = new Map();
  const waiters = [];
  socket.onmessage = ({ data }) => {
    const message = JSON.parse(data);
    if (message.id && pending.has(message.id)) {
      const { resolve, reject } = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) reject(new Error(message.error.message));
      else resolve(message.result);
      return;
    }
    for (const w of waiters.filter((w) => w.method === message.method)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(message.params);
    }
  };
  const send = (method, params = {}, sessionId) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  const once = (method) => new Promise((resolve) => waiters.push({ method, resolve }));

  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const page = (method, params) => send(method, params, sessionId);
  await page('Page.enable');

  for (const shot of shots) {
    const mobile = shot.width < 500;
    // A short viewport first, so the page's height is its content's.
    await page('Emulation.setDeviceMetricsOverride', { width: shot.width, height: 200, deviceScaleFactor: 1, mobile });
    await page('Emulation.setEmulatedMedia', {
      features: [{ name: 'prefers-color-scheme', value: shot.dark ? 'dark' : 'light' }],
    });
    const loaded = once('Page.loadEventFired');
    await page('Page.navigate', { url: pathToFileURL(shot.html).href });
    await loaded;
    const { result } = await page('Runtime.evaluate', {
      expression: 'Math.ceil(Math.max(document.documentElement.scrollHeight, document.body.scrollHeight))',
      returnByValue: true,
    });
    await page('Emulation.setDeviceMetricsOverride', {
      width: shot.width,
      height: result.value,
      deviceScaleFactor: 1,
      mobile,
    });
    // `top` and `height` cut a part of the page (e.g. above the fold); default: all of it.
    const clip = shot.height
      ? {
          x: 0,
          y: shot.top ?? 0,
          width: shot.width,
          height: Math.min(shot.height, result.value - (shot.top ?? 0)),
          scale: 1,
        }
      : undefined;
    const { data } = await page('Page.captureScreenshot', { format: 'png', ...(clip ? { clip } : {}) });
    writeFileSync(shot.png, Buffer.from(data, 'base64'));
    console.log(`wrote ${shot.png} (${shot.width}x${result.value}${shot.dark ? ', dark' : ''})`);
  }
  socket.close();
} finally {
  // Chromium writes its profile until it has exited.
  const exited = new Promise((resolve) => (chromium.exitCode === null ? chromium.once('exit', resolve) : resolve()));
  chromium.kill();
  await exited;
  rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
}
