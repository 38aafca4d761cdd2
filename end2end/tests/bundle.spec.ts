import { test, expect, Page, Request } from "@playwright/test";
import { hydrated, LoginPage, shot } from "./fixtures/pages";

// The browser bundle comes in parts (ARCHITECTURE.md, "Lazy parts"): a resident's first page
// loads the frame and its tab's part, and the other tabs once it is interactive; a page
// elsewhere loads its part on the first visit, or earlier when a link to it is about to be
// followed; a part that cannot be fetched shows a retry.

/** Names of the lazily loaded files a page requested: a part (split_*.wasm), code parts share
 * (chunk_*.wasm), or a resident's page's part with all it needs in one file (pack_*.wasm). */
function partsRequested(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (r: Request) => {
    const m = new URL(r.url()).pathname.match(/^\/pkg\/[0-9a-f]{16}\/((?:split|chunk|pack)_[a-z0-9_]+)\.wasm$/);
    if (m) seen.push(m[1]);
  });
  return seen;
}

test("a resident's home loads the frame and its tab's part, then the other tabs; 修改密码 fetches its part on hover", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN", serviceWorkers: "block" });
  const page = await ctx.newPage();
  await new LoginPage(page).loginAsResident("13800000014");
  const parts = partsRequested(page);
  const words: string[] = [];
  page.on("request", (r) => {
    if (/\/pkg\/[0-9a-f]{16}\/words\./.test(new URL(r.url()).pathname)) words.push(new URL(r.url()).pathname.split("/").pop()!);
  });
  await page.goto("/");
  // The server names the home tab's pack (its part and the code it shares, in one file) in a
  // preload hint, so it comes with the frame: one request, not one per shared file.
  const hints = await page.locator('link[rel="preload"][href*="/pkg/"]').evaluateAll((ls) => ls.map((l) => l.getAttribute("href")));
  expect(hints.some((h) => h!.endsWith("/pack_tab_home.wasm")), hints.join(" ")).toBe(true);
  expect(hints.filter((h) => /\/(split|chunk)_/.test(h!)), "no single shared file is hinted").toEqual([]);
  await hydrated(page);
  expect(parts).toEqual(expect.arrayContaining(["pack_tab_home"]));
  expect(parts.filter((p) => p.startsWith("chunk_") || p.startsWith("split_")), "the home page came in one file").toEqual([]);
  expect(words, "only the page's language's words are fetched").toEqual(["words.zh-CN.json"]);
  // Once the page is interactive, the other tabs follow, so switching tabs never waits.
  for (const tab of ["pack_tab_pay", "pack_tab_me", "pack_tab_repair", "pack_tab_community"]) {
    await expect.poll(() => parts.includes(tab), { message: `${tab} is fetched after the first page` }).toBe(true);
  }
  expect(parts.filter((p) => /^split_(admin_|staff_shell|cashier|bill_run|billing_setup|equipment)/.test(p)), "no back-office part").toEqual([]);

  await page.getByRole("link", { name: "我的" }).first().click();
  await expect(page).toHaveURL(/\/me$/);
  const link = page.getByRole("link", { name: "修改密码" });
  await link.hover();
  await expect.poll(() => parts.includes("pack_me_more"), { message: "hovering the link fetches its part" }).toBe(true);
  await link.click();
  await expect(page).toHaveURL(/\/me\/password$/);
  await expect(page.getByLabel("当前密码")).toBeVisible();
  await ctx.close();
});

test("a direct visit to a back-office page preloads its parts and works", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN", serviceWorkers: "block" });
  const page = await ctx.newPage();
  await new LoginPage(page).loginAsStaff("cashier.yqf");
  const parts = partsRequested(page);
  await page.goto("/admin/billing/counter");
  // The server named the page's parts in preload hints, so they come with the main part.
  const hints = await page.locator('link[rel="preload"][href*="/split_"]').evaluateAll((ls) => ls.map((l) => l.getAttribute("href")));
  expect(hints.some((h) => h!.endsWith("/split_cashier.wasm")), hints.join(" ")).toBe(true);
  expect(hints.some((h) => h!.endsWith("/split_staff_shell.wasm")), hints.join(" ")).toBe(true);
  await hydrated(page);
  expect(parts).toContain("split_cashier");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await shot(page, "bundle-admin-counter-1280");
  await ctx.close();
});

test("a part that cannot be fetched shows a retry, and the app keeps working", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN", serviceWorkers: "block" });
  const page = await ctx.newPage();
  await new LoginPage(page).loginAsResident("13800000015");
  const parts = partsRequested(page);
  await page.goto("/me");
  await hydrated(page);
  // The tabs' parts arrive once the page is interactive (the home page's among them).
  await expect.poll(() => parts.includes("pack_tab_home")).toBe(true);
  await page.waitForLoadState("networkidle");
  // The network drops just as the resident opens 修改密码.
  await page.route(/\/pkg\/[0-9a-f]{16}\/(split|chunk|pack)_/, (route) => route.abort("internetdisconnected"));
  await page.getByRole("link", { name: "修改密码" }).click();
  await expect(page.getByText("这一页没能载入")).toBeVisible();
  await shot(page, "bundle-part-failed-375");
  await expect(page.getByRole("link", { name: "重试" })).toBeVisible();
  // The app itself still runs: 返回首页 navigates in the page and the home page works.
  await page.evaluate(() => ((window as any).__stillHere = true));
  await page.getByRole("link", { name: "返回首页" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("link", { name: "缴费" }).first()).toBeVisible();
  expect(await page.evaluate(() => (window as any).__stillHere), "no reload: the app kept running").toBe(true);
  // Back online, the retry loads the page.
  await page.unroute(/\/pkg\/[0-9a-f]{16}\/(split|chunk|pack)_/);
  await page.goto("/me/password");
  await hydrated(page);
  await expect(page.getByLabel("当前密码")).toBeVisible();
  await ctx.close();
});

test("a page whose bundle stops says so and offers a reload instead of dead buttons", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN", serviceWorkers: "block" });
  const page = await ctx.newPage();
  // Something altered the page on the way (the hydration markers are gone): the bundle panics.
  let altered = true;
  await page.route("**/login", async (route) => {
    const res = await route.fetch();
    const html = await res.text();
    expect(html, "the login page carries hydration markers to remove").toContain("<!>");
    await route.fulfill({ response: res, body: altered ? html.replaceAll("<!>", "") : html });
  });
  await page.goto("/login");
  const notice = page.getByRole("alert").filter({ hasText: "页面出了点问题" });
  await expect(notice).toBeVisible();
  expect(await page.locator("body").getAttribute("data-broken"), "the panic's message is kept for tests").toMatch(/\S/);
  expect(await page.locator("body").getAttribute("data-hydrated")).toBeNull();
  await shot(page, "bundle-broken-375");
  // The reload link needs no script: the untouched page then hydrates.
  altered = false;
  const reloaded = page.waitForEvent("load");
  await notice.getByRole("link", { name: "重新载入" }).click();
  await reloaded;
  await hydrated(page);
  await expect(page.getByRole("alert").filter({ hasText: "页面出了点问题" })).toHaveCount(0);
  await ctx.close();
});

test("on a second visit the service worker serves the bundle; only data crosses the network", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const page = await ctx.newPage();
  await new LoginPage(page).loginAsResident("13800000016");
  await page.goto("/pay");
  await hydrated(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  // Visited once under the worker, the files are now kept.
  await page.reload();
  await hydrated(page);
  const fromNetwork: string[] = [];
  page.on("response", (r) => {
    if (new URL(r.url()).pathname.startsWith("/pkg/") && !r.fromServiceWorker()) fromNetwork.push(r.url());
  });
  const fromWorker: string[] = [];
  page.on("response", (r) => {
    if (new URL(r.url()).pathname.startsWith("/pkg/") && r.fromServiceWorker()) fromWorker.push(r.url());
  });
  await page.reload();
  await hydrated(page);
  expect(fromNetwork).toEqual([]);
  expect(fromWorker.some((u) => u.endsWith("/linli_bg.wasm"))).toBe(true);
  await ctx.close();
});

test("on Fast 4G with a 4x slower CPU a resident signs in, opens 缴费 and 报修, then 新报修", async ({ browser }) => {
  test.setTimeout(180_000);
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN", serviceWorkers: "block" });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send("Network.enable");
  // Chromium DevTools' "Fast 4G" preset, and its 4x CPU slowdown.
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 60 * 2.75,
    downloadThroughput: ((9 * 1000 * 1000) / 8) * 0.9,
    uploadThroughput: ((1.5 * 1000 * 1000) / 8) * 0.9,
  });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  await new LoginPage(page).loginAsResident("13800000017");
  await page.getByRole("link", { name: "缴费" }).first().click();
  await expect(page).toHaveURL(/\/pay$/);
  await expect(page.getByText(/物业服务费/).first()).toBeVisible();
  await page.getByRole("link", { name: "报修" }).first().click();
  await expect(page).toHaveURL(/\/repair$/);
  await page.getByTestId("new-ticket").click();
  await expect(page).toHaveURL(/\/repair\/new$/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await ctx.close();
});
