// Opens host_exporter's landing page in headless Chromium (Debian's, driven by
// playwright-core) the way a person would, and reports what it saw as JSON.
//
//   node landing_check.mjs URL SCREENSHOT.png [SECONDS]
//
// Waits up to SECONDS (default 20) for every chart to hold at least two
// points, then takes a full-page screenshot. The JSON on stdout lists console
// errors and warnings, page errors, failed or off-origin requests, the chart
// point counts, the texts and the resolved links. Exit code 0 if the page
// loaded and the charts filled, 1 otherwise (the JSON says why).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [url, screenshot, seconds = '20'] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const origin = new URL(url).origin;
const report = {
  url, console: [], pageErrors: [], failedRequests: [], foreignRequests: [],
  requests: 0, charts: {}, texts: {}, links: {}, ok: false, reason: '',
};

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'host_exporter-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath, headless: true, viewport: { width: 1100, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 60000,
  });
  const page = context.pages()[0] || await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') {
      report.console.push(`${m.type()}: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => report.pageErrors.push(String(e)));
  page.on('request', (r) => {
    report.requests++;
    const u = r.url();
    if (!u.startsWith(origin + '/') && !u.startsWith('data:')) report.foreignRequests.push(u);
  });
  page.on('requestfailed', (r) => report.failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) report.failedRequests.push(`${r.url()}: HTTP ${r.status()}`);
  });

  const response = await page.goto(url, { waitUntil: 'load', timeout: 30000 });
  report.status = response.status();
  try {
    await page.waitForFunction(() => ['cpu', 'mem', 'disk', 'net'].every(
      (id) => Number(document.getElementById(id).dataset.points) >= 2),
    null, { timeout: Number(seconds) * 1000, polling: 250 });
  } catch (e) {
    report.reason = `charts did not fill within ${seconds} s`;
  }
  Object.assign(report, await page.evaluate(() => {
    const out = { charts: {}, texts: {}, links: {} };
    for (const id of ['cpu', 'mem', 'disk', 'net']) {
      const el = document.getElementById(id);
      out.charts[id] = {
        points: Number(el.dataset.points),
        value: el.querySelector('b').textContent,
        polyline: (el.querySelector('polyline').getAttribute('points') || '').split(' ')
          .filter(Boolean).length,
      };
    }
    out.texts = {
      title: document.title,
      host: document.querySelector('h1').textContent,
      uptime: document.getElementById('up').textContent,
      exporterUptime: document.getElementById('xup').textContent,
      status: document.getElementById('st').textContent,
      collectors: document.querySelectorAll('#co tr[data-c]').length,
      collectorsOk: document.querySelectorAll('#co td.ok').length,
      header: document.querySelector('.m').textContent,
    };
    for (const a of document.querySelectorAll('a')) out.links[a.textContent] = a.href;
    return out;
  }));
  // The links a person would follow work (same-origin ones only: the docs
  // link points off this machine and is not fetched).
  report.linkStatus = {};
  for (const [text, href] of Object.entries(report.links)) {
    if (!href.startsWith(origin + '/')) continue;
    const r = await page.request.get(href);
    report.linkStatus[text] = r.status();
  }
  fs.mkdirSync(path.dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  report.screenshot = screenshot;
  report.ok = !report.reason;
} catch (e) {
  report.reason = String(e && e.stack || e);
} finally {
  if (context) await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(report, null, 2));
process.exit(report.ok ? 0 : 1);
