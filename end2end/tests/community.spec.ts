import { expect, Page, test } from "@playwright/test";
import { BackOffice, hydrated, LoginPage, shot } from "./fixtures/pages";

// 社区 → 公告. The demo's manager of 桂花苑 wrote five notices when the demo loaded: a water cut
// (紧急), the fee publicity (置顶, owners only), a fire drill, a winter tip, and a lift notice for
// building 1's tenants; the server's worker sends them just after it starts.

/** Opens `path` until the demo's notices have gone out (the worker sends them after start). */
async function openWithNotices(page: Page, path: string) {
  await expect(async () => {
    await page.goto(path);
    await hydrated(page);
    await expect(page.getByTestId("notice-list").locator("a").first()).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
}

test("a resident sees the emergency first, reads a notice, filters by category (375 px)", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const page = await ctx.newPage();
  // An owner of 桂花苑 no other test signs in as.
  await new LoginPage(page).loginAsResident("13800000020");
  await page.getByRole("link", { name: "社区" }).first().click();
  await expect(page).toHaveURL(/\/community$/);
  await openWithNotices(page, "/community");
  const latest = page.getByTestId("notice-list").locator("a");
  await expect(latest.first()).toContainText("全小区停水");
  await expect(latest.first()).toContainText("紧急");
  const unreadBefore = Number(await page.getByTestId("unread-notices").innerText());
  expect(unreadBefore).toBe(4);
  await shot(page, "community-tab-375");

  await page.getByRole("link", { name: /全部公告/ }).click();
  await expect(page).toHaveURL(/\/community\/notices$/);
  await hydrated(page);
  const items = page.getByTestId("notice-list").locator("a");
  await expect(items).toHaveCount(4);
  await expect(items.nth(0)).toContainText("紧急");
  await expect(items.nth(1)).toContainText("置顶");
  // Building 1's tenants' notice is not an owner's.
  await expect(page.getByText("电梯年检")).toHaveCount(0);
  await shot(page, "community-notices-375");

  // Opening the drill notice shows it as written and counts it as read.
  await items.filter({ hasText: "消防安全演练" }).click();
  await expect(page).toHaveURL(/\/community\/notices\/\d+$/);
  await expect(page.getByTestId("notice")).toContainText("中心花园");
  await shot(page, "community-notice-375");
  await page.getByRole("link", { name: "返回" }).click();
  await expect(page).toHaveURL(/\/community\/notices$/);
  await expect(items.filter({ hasText: "消防安全演练" })).toHaveAttribute("data-read", "true");
  // Unread ones stay above the read one.
  await expect(items.nth(2)).toContainText("冬季防冻");

  await page.getByRole("link", { name: "温馨提示", exact: true }).click();
  await expect(page).toHaveURL(/\?c=tip$/);
  await expect(items).toHaveCount(1);
  await expect(items.first()).toContainText("冬季防冻");
  await expect(page.getByRole("link", { name: "温馨提示", exact: true })).toHaveAttribute("aria-current", "page");

  await page.goto("/community");
  await hydrated(page);
  await expect(page.getByTestId("unread-notices")).toHaveText(String(unreadBefore - 1));
  await ctx.close();
});

test("a manager writes to building 2's tenants, sees who has not read it and reminds them (1280 px)", async ({ browser }) => {
  const staff = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
  await new LoginPage(staff).loginAsStaff("pm.ghy");
  await staff.getByRole("link", { name: "公告" }).first().click();
  await expect(staff).toHaveURL(/\/admin\/notices$/);
  await hydrated(staff);
  const form = staff.getByTestId("notice-form");
  // A unit number the community does not have is named, and nothing is sent.
  await form.getByLabel("标题").fill("租户：楼道堆物清理");
  await form.getByLabel("正文").fill("本周五前请清理楼道堆放物品，谢谢配合。<script>alert(1)</script>");
  await form.getByLabel("仅租户").check();
  await form.getByTestId("notice-buildings").getByLabel("2栋", { exact: true }).check();
  await form.getByLabel(/指定房号/).fill("9-9-9999");
  await form.getByRole("button", { name: "发布公告" }).click();
  await expect(form.getByText("有房号在这个小区找不到")).toBeVisible();
  await form.getByLabel(/指定房号/).fill("");
  await form.getByRole("button", { name: "发布公告" }).click();
  await expect(staff.getByText("公告已保存，将按时发送")).toBeVisible();
  const row = staff.getByTestId("staff-notices").getByRole("row").filter({ hasText: "租户：楼道堆物清理" });
  await expect(row).toContainText("桂花苑 · 2栋 · 仅租户");
  await expect(row).toContainText("仅租户");
  await shot(staff, "community-admin-1280");

  // The tenant of building 2 (13800000041) gets it and reads it.
  const tenantCtx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const tenant = await tenantCtx.newPage();
  await new LoginPage(tenant).loginAsResident("13800000041");
  await expect(async () => {
    await tenant.goto("/community/notices");
    await hydrated(tenant);
    await expect(tenant.getByText("租户：楼道堆物清理")).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  // Not building 1's lift notice, nor the owners' publicity.
  await expect(tenant.getByText("电梯年检")).toHaveCount(0);
  await expect(tenant.getByText("物业费收支情况公示")).toHaveCount(0);
  await tenant.getByText("租户：楼道堆物清理").click();
  await expect(tenant.getByTestId("notice")).toContainText("本周五前请清理楼道堆放物品");
  await expect(tenant.getByTestId("notice")).not.toContainText("alert");
  await tenantCtx.close();

  // Staff see one household read it, the others listed as unread, and remind only them.
  await row.getByRole("link").click();
  await expect(staff).toHaveURL(/\/admin\/notices\/\d+$/);
  await hydrated(staff);
  await expect(staff.getByTestId("stat-read")).toHaveText("1");
  const unread = Number(await staff.getByTestId("stat-unread").innerText());
  expect(unread).toBeGreaterThan(0);
  await expect(staff.getByTestId("unread-units").locator("li").first()).toHaveText(/^2-/);
  await staff.getByTestId("remind").click();
  await expect(staff.getByText("已再次推送给未读住户")).toBeVisible();
  await expect(staff.getByTestId("reminders")).toContainText("已提醒 1 次");
  await shot(staff, "community-admin-notice-1280");
  // A second reminder within the hour is refused with the reason.
  await staff.getByTestId("remind").click();
  await expect(staff.getByText("一小时内已提醒过")).toBeVisible();
  await staff.close();
});
