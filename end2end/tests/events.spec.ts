import { expect, test } from "@playwright/test";
import { hydrated, LoginPage, shot } from "./fixtures/pages";

// 社区 → 活动. When the demo loaded, 桂花苑's manager put on a craft class for every household
// (20 places, up to 3 per household, free), starting in five days.

/** `YYYY-MM-DDTHH:MM` in Shanghai time, `hours` from now (a datetime-local field's value). */
function localIn(hours: number): string {
  return new Date(Date.now() + hours * 3_600_000 + 8 * 3_600_000).toISOString().slice(0, 16);
}

test("a resident signs the household up for an event and cancels (375 px)", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const page = await ctx.newPage();
  // An owner of 桂花苑 no other test signs in as.
  await new LoginPage(page).loginAsResident("13800000026");
  await page.goto("/community");
  await hydrated(page);
  const upcoming = page.getByTestId("event-list").locator("a");
  await expect(upcoming.first()).toContainText("手工课");
  await upcoming.first().click();
  await expect(page).toHaveURL(/\/community\/events\/\d+$/);
  await hydrated(page);
  const card = page.getByTestId("event");
  const before = await page.getByTestId("seats").innerText();
  await card.getByLabel("参加人数").selectOption("2");
  await shot(page, "event-375");
  await page.getByTestId("sign-up").click();
  await expect(page.getByText("报名成功")).toBeVisible();
  await expect(page.getByTestId("my-signup")).toContainText("您家已报名 2 人");
  await expect(page.getByTestId("seats")).not.toHaveText(before);
  await shot(page, "event-signed-up-375");

  // Listed as signed up, then cancelled: the places come back.
  await page.goto("/community/events");
  await hydrated(page);
  await expect(page.getByTestId("event-list").locator("a").first()).toContainText("已报名");
  await page.getByTestId("event-list").locator("a").first().click();
  await hydrated(page);
  await page.getByTestId("cancel-signup").click();
  await expect(page.getByText("已取消报名")).toBeVisible();
  await expect(page.getByTestId("my-signup")).toHaveCount(0);
  await expect(page.getByTestId("seats")).toHaveText(before);
  await ctx.close();
});

test("a manager puts on a two-place event for building 2's tenants and checks the household in at the door (1280 px)", async ({ browser }) => {
  const staff = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
  staff.on("dialog", (d) => d.accept());
  await new LoginPage(staff).loginAsStaff("pm.ghy");
  await staff.getByRole("link", { name: "活动" }).first().click();
  await expect(staff).toHaveURL(/\/admin\/events$/);
  await hydrated(staff);
  const form = staff.getByTestId("event-form");
  await form.getByLabel("标题").fill("2栋租户羽毛球友谊赛");
  await form.getByLabel("地点").fill("会所羽毛球馆");
  await form.getByLabel("开始时间").fill(localIn(48));
  // An end before the start is named.
  await form.getByLabel("结束时间").fill(localIn(47));
  await form.getByLabel("名额（人）").fill("2");
  await form.getByLabel("每户最多").fill("2");
  await form.getByLabel("仅租户").check();
  await form.getByTestId("notice-buildings").getByLabel("2栋", { exact: true }).check();
  await form.getByTestId("create-event").click();
  await expect(form.getByText("结束时间要晚于开始时间")).toBeVisible();
  await form.getByLabel("结束时间").fill(localIn(50));
  await form.getByTestId("create-event").click();
  await expect(staff.getByText("活动已保存，将按时发布")).toBeVisible();
  const row = staff.getByTestId("staff-events").getByRole("row").filter({ hasText: "2栋租户羽毛球友谊赛" });
  await expect(row).toContainText("桂花苑 · 2栋 · 仅租户");
  await shot(staff, "events-admin-1280");

  // Building 2's tenant takes both places.
  const tenantCtx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const tenant = await tenantCtx.newPage();
  await new LoginPage(tenant).loginAsResident("13800000041");
  await expect(async () => {
    await tenant.goto("/community/events");
    await hydrated(tenant);
    await expect(tenant.getByText("2栋租户羽毛球友谊赛")).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await tenant.getByText("2栋租户羽毛球友谊赛").click();
  await hydrated(tenant);
  await tenant.getByTestId("event").getByLabel("参加人数").selectOption("2");
  await tenant.getByTestId("sign-up").click();
  await expect(tenant.getByTestId("my-signup")).toContainText("您家已报名 2 人");
  await expect(tenant.getByTestId("seats")).toContainText("剩余 0 个名额");
  await tenantCtx.close();

  // At the door: staff check the household in.
  await staff.reload();
  await hydrated(staff);
  await row.getByRole("link").first().click();
  await expect(staff).toHaveURL(/\/admin\/events\/\d+$/);
  await hydrated(staff);
  await expect(staff.getByTestId("stat-taken")).toHaveText("2 / 2");
  await staff.getByTestId("check-in").click();
  await expect(staff.getByTestId("stat-arrived")).toHaveText("2");
  await expect(staff.getByTestId("signups")).toContainText("已签到");
  await shot(staff, "event-admin-1280");
  await staff.close();
});
