import { expect, test } from "@playwright/test";
import { LoginPage, ResidentApp, hydrated, shot } from "./fixtures/pages";

test("the inbox shows the notice a bill run raised, and reading it clears the badge (375 px)", async ({ page }) => {
  // An owner no other test signs in as; the demo's bill runs queued a notice for every household.
  await new LoginPage(page).loginAsResident("13800000036");
  await hydrated(page);
  const tab = page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: /消息/ });
  await expect(tab.getByTestId("unread-badge")).toBeVisible();
  await tab.click();
  await expect(page).toHaveURL(/\/inbox$/);
  await hydrated(page);
  const notice = page.locator(".inbox__item").filter({ hasText: "账单已出" }).first();
  await expect(notice).toBeVisible();
  await expect(notice).toContainText("请于");
  await shot(page, "notify-inbox-375");
  await notice.getByRole("link").click();
  await expect(page).toHaveURL(/\/pay$/);
  await page.goto("/inbox");
  await hydrated(page);
  await page.getByRole("button", { name: "全部已读" }).click();
  await expect(page.getByText("0 条未读")).toBeVisible();
  await expect(page.getByTestId("unread-badge")).toHaveCount(0);
});

// Chromium here cannot reach a real push service: the browser's permission prompt and
// PushManager.subscribe are stubbed, and only they. The service worker registration, the page,
// the CSRF-protected API call and the storage are real.
test("turning on push registers the service worker and stores this device (375 px)", async ({ page }) => {
  await page.addInitScript(() => {
    // The P-256 generator point: a valid public key that is nobody's secret.
    const p256dh = "BGsX0fLhLEJH-Lzm5WOkQPJ3A32BLeszoPShOUXYmMKWT-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU";
    // @ts-ignore
    Notification.requestPermission = () => Promise.resolve("granted");
    // @ts-ignore
    PushManager.prototype.subscribe = function (opts: PushSubscriptionOptionsInit) {
      const key = opts.applicationServerKey as ArrayBuffer;
      sessionStorage.setItem("pushKeyLen", String(new Uint8Array(key).length));
      const endpoint = "https://push.example.test/e2e/" + Date.now();
      // A fresh 16-byte auth secret, base64url, as the browser would make.
      const auth = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))))
        .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      return Promise.resolve({ endpoint, toJSON: () => ({ endpoint, keys: { p256dh, auth } }) });
    };
  });
  await new LoginPage(page).loginAsResident("13800000037");
  await new ResidentApp(page).openTab("我的");
  await page.getByRole("link", { name: "通知设置" }).click();
  await expect(page).toHaveURL(/\/me\/notifications$/);
  await hydrated(page);
  await expect(page.getByTestId("no-devices")).toBeVisible();
  await page.getByTestId("push-enable").click();
  await expect(page.getByTestId("devices").locator("li")).toHaveCount(1);
  await hydrated(page); // the page reloaded to list the new device
  const registered = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration("/");
    return reg ? (reg.active || reg.waiting || reg.installing)?.scriptURL ?? "" : "";
  });
  expect(registered).toMatch(/\/sw\.js$/);
  // The key the page subscribed with is this server's VAPID public key (65 bytes, uncompressed).
  expect(await page.evaluate(() => sessionStorage.getItem("pushKeyLen"))).toBe("65");
  await shot(page, "notify-settings-375");
  // Only what the community has is offered: no switches for areas that do not exist yet.
  for (const absent of ["预约", "投票", "商城"]) await expect(page.getByRole("switch", { name: absent })).toHaveCount(0);
  // Muting a category and setting quiet hours is saved.
  await page.getByRole("switch", { name: "公告" }).uncheck();
  await page.getByLabel("开始").fill("22:00");
  await page.getByLabel("结束").fill("07:00");
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.getByText("已保存")).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("switch", { name: "公告" })).not.toBeChecked();
  // Removing the device.
  await page.getByRole("button", { name: "移除" }).click();
  await expect(page.getByTestId("no-devices")).toBeVisible();
});

test("in English the inbox's notices and the built-in bill items are English, and Chinese again after switching back (375 px)", async ({ page }) => {
  // An owner no other test signs in as.
  await new LoginPage(page).loginAsResident("13800000013");
  await hydrated(page);
  await page.getByTestId("lang-switch").click();
  await expect(page.getByRole("link", { name: "Pay" }).first()).toBeVisible();
  // The notice the bill run raised, worded in English when read.
  await page.goto("/inbox");
  await hydrated(page);
  const notice = page.locator(".inbox__item").filter({ hasText: /Bill for \d{4}-\d{2} issued/ }).first();
  await expect(notice).toBeVisible();
  await expect(notice).toContainText("due by");
  await expect(page.locator(".inbox__item").filter({ hasText: "账单已出" })).toHaveCount(0);
  await shot(page, "notify-inbox-en-375");
  // Built-in item names follow the language; amounts and periods are the same.
  await page.goto("/pay");
  await hydrated(page);
  await expect(page.locator(".bill-line__item").filter({ hasText: "Property management fee" }).first()).toBeVisible();
  await expect(page.locator(".bill-line__item").filter({ hasText: "物业服务费" })).toHaveCount(0);
  // Back to Chinese on the home page: the same notice and item in Chinese.
  await page.goto("/");
  await hydrated(page);
  await page.getByTestId("lang-switch").click();
  await page.goto("/inbox");
  await hydrated(page);
  await expect(page.locator(".inbox__item").filter({ hasText: "账单已出" }).first()).toBeVisible();
  await page.goto("/pay");
  await hydrated(page);
  await expect(page.locator(".bill-line__item").filter({ hasText: "物业服务费" }).first()).toBeVisible();
});
