import { expect, Page, test } from "@playwright/test";
import { png, pdf } from "./fixtures/files";
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
  // Kept under a name, building 2's tenants are one pick the next time.
  await form.getByLabel("保存为常用对象").fill("2栋租户");
  await form.getByRole("button", { name: "保存", exact: true }).click();
  await expect(staff.getByText("已保存为常用发送对象")).toBeVisible();
  await form.getByLabel("常用发送对象").selectOption({ label: "不使用，自己选择" });
  await form.getByLabel("全体住户").check();
  await form.getByTestId("notice-buildings").getByLabel("2栋", { exact: true }).uncheck();
  await form.getByLabel("常用发送对象").selectOption({ label: "2栋租户" });
  await expect(form.getByLabel("仅租户")).toBeChecked();
  await expect(form.getByTestId("notice-buildings").getByLabel("2栋", { exact: true })).toBeChecked();
  await expect(form.getByTestId("notice-buildings").getByLabel("1栋", { exact: true })).not.toBeChecked();
  await form.getByLabel(/指定房号/).fill("9-9-9999");
  await form.getByRole("button", { name: "发布公告" }).click();
  await expect(form.getByText("有房号在这个小区找不到")).toBeVisible();
  await form.getByLabel(/指定房号/).fill("");
  // A photo of the corridor and the clean-up list as a PDF go with it.
  const photos = form.getByTestId("photo-picker");
  await photos.getByLabel("从相册选择").setInputFiles({ name: "corridor.png", mimeType: "image/png", buffer: png(120, 90) });
  await expect(photos.locator(".photo-picker__thumb")).toHaveCount(1);
  const docs = form.getByTestId("doc-picker");
  await expect(docs).toContainText("附件");
  await docs.getByLabel("选择 PDF").setInputFiles({ name: "清理清单.pdf", mimeType: "application/pdf", buffer: pdf(40) });
  await expect(docs.getByText("清理清单.pdf")).toBeVisible();
  await expect(photos.locator(".photo-picker__status")).toHaveCount(0);
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
  // The photo shows (its thumbnail loads) and the PDF opens.
  const thumb = tenant.getByTestId("photos").locator("img");
  await expect(thumb).toHaveCount(1);
  await expect.poll(() => thumb.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
  const doc = tenant.getByTestId("documents").getByRole("link", { name: "清理清单.pdf" });
  const res = await tenant.request.get((await doc.getAttribute("href"))!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("application/pdf");
  await shot(tenant, "community-notice-files-375");
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

test("the owners' committee signs a notice to the owners and follows its receipts (375 px)", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const chair = await ctx.newPage();
  // 13800000001 chairs 桂花苑's owners' committee in the demo.
  await new LoginPage(chair).loginAsResident("13800000001");
  await chair.goto("/community/assembly");
  await hydrated(chair);
  await chair.getByTestId("committee-notices-link").click();
  await expect(chair).toHaveURL(/\/community\/committee-notices$/);
  await hydrated(chair);
  const form = chair.getByTestId("notice-form");
  // No emergency for the committee: that is the property office's.
  await expect(form.getByLabel("类型").locator("option")).toHaveCount(2);
  await form.getByLabel("标题").fill("业委会：公共收益使用意见征集");
  await form.getByLabel("正文").fill("请各位业主于月底前向业委会提出公共收益使用建议。");
  await form.getByLabel("仅业主").check();
  await form.getByRole("button", { name: "发布公告" }).click();
  await expect(chair.getByText("公告已保存，将按时发送")).toBeVisible();
  const sent = chair.getByTestId("committee-notices").locator("li").filter({ hasText: "公共收益使用意见征集" });
  await expect(async () => {
    await chair.reload();
    await hydrated(chair);
    await expect(sent.getByTestId("read-count")).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(sent.getByTestId("read-count")).toContainText(/^0 \/ \d+ 户已读$/);
  await shot(chair, "community-committee-375");

  // An owner reads it signed by the committee; the chair sees one household more has read it.
  const ownerCtx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const owner = await ownerCtx.newPage();
  await new LoginPage(owner).loginAsResident("13800000024");
  await owner.goto("/community/notices");
  await hydrated(owner);
  const item = owner.getByTestId("notice-list").locator("a").filter({ hasText: "公共收益使用意见征集" });
  await expect(item).toContainText("业委会");
  await item.click();
  await expect(owner.getByTestId("notice")).toContainText("业主委员会发布");
  await ownerCtx.close();
  await chair.reload();
  await hydrated(chair);
  await expect(sent.getByTestId("read-count")).toContainText(/^1 \/ \d+ 户已读$/);
  // Its page says who has not read it yet, as staff's does.
  await sent.locator("a").click();
  await expect(chair).toHaveURL(/\/community\/committee-notices\/\d+$/);
  await hydrated(chair);
  await expect(chair.getByTestId("stat-read")).toHaveText("1");
  await expect(chair.getByTestId("unread-units").locator("li").first()).toBeVisible();
  await shot(chair, "community-committee-notice-375");
  await ctx.close();
});

test("a resident with two homes switches the current one, and 社区, 缴费 and 首页 follow it (375 px)", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const page = await ctx.newPage();
  // 13800000007 owns 桂花苑 1-1-0401 and co-owns a home in 云栖府, whose office wrote no notices.
  await new LoginPage(page).loginAsResident("13800000007");
  await openWithNotices(page, "/community");
  const home = page.getByTestId("home-switcher").getByRole("combobox", { name: "当前房屋" });
  await expect(home.locator("option:checked")).toHaveText("桂花苑 1-1-0401");
  await expect(page.getByTestId("notice-list")).toContainText("全小区停水");
  await shot(page, "community-two-homes-375");

  const other = (await home.locator("option").allInnerTexts()).find((t) => t.startsWith("云栖府"))!;
  expect(other).toBeTruthy();
  // Choosing loads the page again for that home: none of 桂花苑's notices.
  await Promise.all([page.waitForEvent("load"), home.selectOption({ label: other })]);
  await hydrated(page);
  await expect(home.locator("option:checked")).toHaveText(other);
  await expect(page.getByText("全小区停水")).toHaveCount(0);

  // 缴费 shows the chosen home first; the choice is kept on the server, so it holds on every page.
  await page.goto("/pay");
  await hydrated(page);
  await expect(page.locator(".account__title").first()).toHaveText(other);
  await expect(page.locator(".account__title").nth(1)).toHaveText("桂花苑 1-1-0401");
  await shot(page, "pay-two-homes-375");
  await Promise.all([page.waitForEvent("load"), home.selectOption({ label: "桂花苑 1-1-0401" })]);
  await hydrated(page);
  await expect(page.locator(".account__title").first()).toHaveText("桂花苑 1-1-0401");

  await page.goto("/");
  await hydrated(page);
  await expect(home.locator("option:checked")).toHaveText("桂花苑 1-1-0401");
  await ctx.close();
});
