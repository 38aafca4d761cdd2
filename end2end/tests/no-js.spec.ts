import { Browser, BrowserContext, expect, Page, test } from "@playwright/test";
import { DEMO_PASSWORD, shot } from "./fixtures/pages";

// The resident journeys before the WASM arrives: with JavaScript off, and on Chromium's
// "Slow 3G" where a resident taps 登录 long before the bundle has loaded. Every page must
// arrive as readable HTML and every form must post natively with its CSRF token, coming back
// as a page (with the error in words), never as JSON.

async function noJs(browser: Browser): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({
    viewport: { width: 375, height: 812 },
    locale: "zh-CN",
    javaScriptEnabled: false,
  });
  return { ctx, page: await ctx.newPage() };
}

/** The text a reader sees: no JSON error body anywhere. */
async function expectNoJson(page: Page) {
  const body = (await page.locator("body").innerText()).trim();
  expect(body.startsWith("{"), `a JSON body instead of a page: ${body.slice(0, 200)}`).toBe(false);
  expect(body).not.toContain('"error"');
}

test("with JavaScript off a resident logs in, sees the bills and submits a repair (375 px)", async ({ browser }) => {
  test.setTimeout(120_000);
  const { ctx, page } = await noJs(browser);
  // An owner of 桂花苑 no other end-to-end test signs in as.
  await page.goto("/login");
  await page.getByLabel("手机号或账号").fill("13800000011");
  await page.getByLabel(/^密码$/).fill("not-the-password");
  await page.getByRole("button", { name: "登录" }).click();
  // The same page comes back with the error in words next to the form.
  await expect(page).toHaveURL(/\/login/);
  await expectNoJson(page);
  await expect(page.getByText("账号或密码错误")).toBeVisible();

  await page.getByLabel("手机号或账号").fill("13800000011");
  await page.getByLabel(/^密码$/).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expectNoJson(page);
  // Signed in: the tab bar and no login button.
  await expect(page.getByRole("link", { name: "我的" })).toBeVisible();

  // The bills are in the page itself, not in a fragment a script would have to put in place.
  await page.goto("/pay");
  await expect(page.getByRole("heading", { level: 1, name: "缴费" })).toBeVisible();
  await expect(page.getByText("加载中")).toHaveCount(0);
  await expect(page.getByText(/物业服务费/).first()).toBeVisible();
  await expect(page.getByText(/¥\s?[\d,]+\.\d\d/).first()).toBeVisible();
  await shot(page, "no-js-bills-375");
  // The boxes start ticked in the page itself, as the pay bar's total says.
  const card = page.locator("section.account").filter({ has: page.getByTestId("pay-online") }).first();
  await expect(card.getByRole("checkbox").first()).toBeChecked();

  // Unticking a box and paying posts the rest: the checkout is for the other lines.
  const cents = (t: string) => Math.round(parseFloat(t.replace(/[¥,\s]/g, "")) * 100);
  const total = cents((await card.getByTestId("pay-online").innerText()).match(/¥[\d,]+\.\d\d/)![0]);
  const first = cents(await card.locator(".bill-line").first().locator(".bill-line__amount strong").innerText());
  await card.getByRole("checkbox").first().uncheck();
  await card.getByTestId("pay-online").click();
  await page.waitForURL(/\/pay\/online\/\d+$/);
  await expectNoJson(page);
  expect(cents(await page.locator(".checkout__amount").innerText())).toBe(total - first);
  await page.goto("/pay");

  // 只缴这一笔 posts the pay form with that line alone; the checkout's page links on to the
  // provider's.
  const last = card.locator(".bill-line").last();
  const lineAmount = (await last.locator(".bill-line__amount strong").innerText()).trim();
  await last.getByTestId("pay-only").click();
  await page.waitForURL(/\/pay\/online\/\d+$/);
  await expectNoJson(page);
  await expect(page.locator(".checkout__amount")).toHaveText(lineAmount);
  await page.getByRole("link", { name: "前往支付" }).click();
  await page.waitForURL(/\/c\/pay\/cs_test_e2e_\d+$/);
  await expect(page.getByTestId("stripe-amount")).toHaveText(lineAmount);
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL(/\/pay\/online\/\d+$/);
  await expectNoJson(page);
  await expect(page.getByTestId("checkout-status")).toBeVisible();

  // A repair without photos: the description is required, and the refusal comes back in words.
  await page.goto("/repair/new");
  await page.getByRole("button", { name: "提交" }).click();
  await expect(page).toHaveURL(/\/repair\/new/);
  await expectNoJson(page);
  await expect(page.getByRole("alert").filter({ hasText: /\S/ }).first()).toBeVisible();

  await page.getByLabel("类别").selectOption("plumbing");
  await page.getByLabel("问题描述").fill("卫生间地漏返味，无 JavaScript 提交");
  await page.getByLabel("期望上门时间").fill("周末上午");
  await page.getByRole("button", { name: "提交" }).click();
  await expect(page).toHaveURL(/\/repair\/\d+$/);
  await expectNoJson(page);
  await expect(page.locator(".ticket__desc")).toHaveText("卫生间地漏返味，无 JavaScript 提交");
  await shot(page, "no-js-ticket-375");

  // Logging out works the same way.
  await page.goto("/me");
  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login/);
  await expectNoJson(page);
  await ctx.close();
});

test("on Slow 3G a resident taps 登录 before the page has hydrated and lands signed in", async ({ browser }) => {
  test.setTimeout(180_000);
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send("Network.enable");
  // Chromium DevTools' "Slow 3G" preset.
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 2000,
    downloadThroughput: (500 * 1024 * 0.8) / 8,
    uploadThroughput: (500 * 1024 * 0.8) / 8,
  });
  await page.goto("/login", { waitUntil: "commit" });
  await page.getByLabel("手机号或账号").fill("13800000012");
  await page.getByLabel(/^密码$/).fill(DEMO_PASSWORD);
  // The bundle is still on its way: the tap is the browser's own form post.
  expect(await page.evaluate(() => document.body.hasAttribute("data-hydrated"))).toBe(false);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/$/, { timeout: 60_000 });
  await expectNoJson(page);
  await expect(page.getByRole("link", { name: "我的" })).toBeVisible({ timeout: 60_000 });
  await page.goto("/pay", { waitUntil: "commit" });
  await expect(page.getByText(/物业服务费/).first()).toBeVisible({ timeout: 60_000 });
  await ctx.close();
});
