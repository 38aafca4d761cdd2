// How long a resident's phone waits for a page: time to first contentful paint and until the
// page is interactive (hydrated: <body data-hydrated>), at 375 px with Chromium DevTools'
// "Fast 4G" network and a 4x CPU slowdown, each visit with an empty cache.
//
//   node end2end/bench/first-load.mjs [base URL] [runs]      (./dev bench-load runs it)
//
// Prints the median and range per page, and the bytes each page transferred. Signs in once
// (as a demo resident) and reuses the session cookie for every cold visit.
import { chromium } from "@playwright/test";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const runs = Number(process.argv[3] ?? 5);
const user = process.env.LINLI_BENCH_USER ?? "13800000005";
const password = process.env.LINLI_BENCH_PASSWORD ?? "linli-demo";
// Chromium DevTools' "Fast 4G" preset (front_end/core/sdk/NetworkManager.ts).
const FAST_4G = { offline: false, latency: 60 * 2.75, downloadThroughput: (9 * 1000 * 1000 / 8) * 0.9, uploadThroughput: (1.5 * 1000 * 1000 / 8) * 0.9 };
const PAGES = [["resident home", "/"], ["bills (缴费)", "/pay"], ["sign-in", "/login"]];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--no-first-run"],
});

async function signedInState() {
  // The browser's own form post (the sign-in form works without the bundle), so that any
  // build of the bundle can be measured against this server.
  const ctx = await browser.newContext({ locale: "zh-CN", javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(base + "/login");
  await page.getByLabel("手机号或账号").fill(user);
  await page.getByLabel(/^密码$/).fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"), { waitUntil: "commit" });
  const state = await ctx.storageState();
  await ctx.close();
  return state;
}

async function visit(path, state) {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN", storageState: path === "/login" ? undefined : state, serviceWorkers: "block" });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", FAST_4G);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  let bytes = 0;
  cdp.on("Network.loadingFinished", (e) => { bytes += e.encodedDataLength; });
  await page.addInitScript(() => {
    new MutationObserver((_, obs) => {
      if (document.body && document.body.hasAttribute("data-hydrated")) {
        window.__hydratedAt = performance.now();
        obs.disconnect();
      }
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-hydrated"] });
  });
  await page.goto(base + path, { waitUntil: "commit" });
  await page.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: 120_000, polling: 50 });
  const fcp = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN);
  const hydrated = await page.evaluate(() => window.__hydratedAt);
  const finalPath = new URL(page.url()).pathname;
  await ctx.close();
  if (finalPath !== path) throw new Error(`${path} went to ${finalPath}: not signed in?`);
  return { fcp, hydrated, bytes };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const ms = (x) => `${Math.round(x)} ms`;
const state = await signedInState();
console.log(`${base}, ${runs} cold visits per page, 375 px, Fast 4G, CPU 4x slower`);
console.log("page".padEnd(16), "first paint (median, range)".padEnd(30), "interactive (median, range)".padEnd(30), "transferred");
for (const [name, path] of PAGES) {
  const rs = [];
  for (let i = 0; i < runs; i++) rs.push(await visit(path, state));
  const f = rs.map((r) => r.fcp), h = rs.map((r) => r.hydrated);
  console.log(
    name.padEnd(16),
    `${ms(median(f))} (${ms(Math.min(...f))}–${ms(Math.max(...f))})`.padEnd(30),
    `${ms(median(h))} (${ms(Math.min(...h))}–${ms(Math.max(...h))})`.padEnd(30),
    `${(median(rs.map((r) => r.bytes)) / 1024).toFixed(0)} KB`,
  );
}
await browser.close();
