import { expect, test } from "@playwright/test";
import { hydrated, LoginPage, shot } from "./fixtures/pages";

// 社区 → 会所预订. When the demo loaded, 桂花苑's customer service opened four venues (羽毛球场
// ¥20 an hour, 多功能厅 by approval, a free 会议室 on weekdays, 烧烤位 open past midnight) and
// residents booked the coming week.

/** `YYYY-MM-DDTHH:00` in Shanghai time: the slot under way now, or the next one when this one ends within ten minutes. */
function currentSlot(): string {
  const now = new Date(Date.now() + 8 * 3_600_000);
  if (now.getUTCMinutes() >= 50) now.setUTCHours(now.getUTCHours() + 1);
  return `${now.toISOString().slice(0, 13)}:00`;
}

test("a resident books a court, is refused a second slot that day in words, and cancels; another household cannot open it (375 px)", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const page = await ctx.newPage();
  page.on("dialog", (d) => d.accept());
  // An owner of 桂花苑 no other test signs in as.
  await new LoginPage(page).loginAsResident("13800000039");
  await page.goto("/community");
  await hydrated(page);
  await page.getByRole("link", { name: "会所预订" }).click();
  await expect(page).toHaveURL(/\/community\/clubhouse$/);
  await hydrated(page);
  const venues = page.getByTestId("venues").locator("a");
  await expect(venues).toHaveCount(4);
  await expect(venues.first()).toContainText("羽毛球场");
  await expect(venues.first()).toContainText("¥20.00 / 1小时");
  await expect(page.getByTestId("no-bookings")).toBeVisible();
  await shot(page, "clubhouse-375");

  await venues.first().click();
  await expect(page).toHaveURL(/\/community\/clubhouse\/\d+$/);
  await hydrated(page);
  await expect(page.getByTestId("venue")).toContainText("每户每天 1 次");
  // The last day of the window: every slot of it is still ahead, whatever the hour now.
  const days = page.locator(".am-days a");
  await expect(days).toHaveCount(8);
  await days.last().click();
  await expect(page).toHaveURL(/\?date=\d{4}-\d{2}-\d{2}$/);
  await hydrated(page);
  const form = page.getByTestId("book-form");
  const free = form.locator('.am-slot[data-state="free"]');
  await expect(free.first()).toBeVisible();
  const when = await free.first().locator(".am-slot__time").innerText();
  await free.first().click();
  await shot(page, "clubhouse-venue-375");
  await page.getByTestId("book").click();

  await expect(page).toHaveURL(/\/community\/clubhouse\/bookings\/\d+$/);
  await hydrated(page);
  const mine = page.url();
  await expect(page.getByTestId("booking-status")).toHaveText("已预订");
  await expect(page.getByTestId("booking")).toContainText(when);
  await expect(page.getByTestId("booking-code")).toHaveText(/^\d{8}$/);
  await expect(page.getByTestId("booking-amount")).toHaveText("¥20.00 · 已计入账单，待缴费");
  await expect(page.locator(".am-qr svg")).toBeVisible();
  await shot(page, "clubhouse-booking-375");

  // A second slot the same day: refused, and the rule is named with its figures.
  await page.getByRole("link", { name: "返回" }).click();
  await expect(page).toHaveURL(/\/community\/clubhouse$/);
  await hydrated(page);
  await expect(page.getByTestId("my-bookings")).toContainText("羽毛球场");
  await venues.first().click();
  await hydrated(page);
  await days.last().click();
  await hydrated(page);
  await expect(form.locator('.am-slot[data-mine="true"]')).toHaveCount(1);
  await form.locator('.am-slot[data-state="free"]').last().click();
  await page.getByTestId("book").click();
  await expect(form.getByRole("alert").filter({ hasText: "当天已预订 1 次，上限 1 次" })).toBeVisible();
  await shot(page, "clubhouse-refused-375");

  // Another household of the same community cannot open it.
  const otherCtx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const other = await otherCtx.newPage();
  await new LoginPage(other).loginAsResident("13800000040");
  await other.goto(mine);
  await hydrated(other);
  await expect(other.getByTestId("booking")).toHaveCount(0);
  await expect(other.getByText(/找不到|不存在/).first()).toBeVisible();
  await otherCtx.close();

  // Cancelled in time: the charge comes off the bill.
  await page.goto(mine);
  await hydrated(page);
  await page.getByTestId("cancel-booking").click();
  await expect(page.locator(".toast").getByText("预订已取消", { exact: true })).toBeVisible();
  await expect(page.getByTestId("booking-status")).toHaveText("已取消");
  await expect(page.getByTestId("cancel-booking")).toHaveCount(0);
  await ctx.close();
});

test("the desk opens a venue, books a walk-in for the slot under way and checks it in by its code once (1280 px)", async ({ browser }) => {
  const staff = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
  await new LoginPage(staff).loginAsStaff("cs.ghy");
  await staff.getByRole("link", { name: "会所前台" }).first().click();
  await expect(staff).toHaveURL(/\/admin\/amenities$/);
  await hydrated(staff);
  const grid = staff.getByTestId("day-grid");
  await expect(grid).toContainText("羽毛球场");
  await expect(grid).toContainText("烧烤位");
  await shot(staff, "clubhouse-desk-1280");

  // A study room open round the clock, so that a slot is under way whenever this runs.
  await staff.getByRole("link", { name: "场地设置" }).click();
  await expect(staff).toHaveURL(/\/admin\/amenities\/venues$/);
  await hydrated(staff);
  const name = `自习室${Date.now() % 100_000}`;
  const form = staff.locator("details[open] form").first();
  await form.getByLabel("场地名称").fill(name);
  await form.getByRole("combobox", { name: "类型" }).selectOption("meeting");
  // Hours that are not hours are named first.
  await form.getByLabel("周一至周五开放时间").fill("早上八点");
  await form.getByRole("button", { name: "保存" }).click();
  await expect(form.getByText("开放时间格式如 08:00-22:00")).toBeVisible();
  await form.getByLabel("周一至周五开放时间").fill("00:00-24:00");
  await form.getByLabel("周末开放时间").fill("00:00-24:00");
  await form.getByRole("button", { name: "保存" }).click();
  await expect(staff.getByText("场地已保存")).toBeVisible();
  await shot(staff, "clubhouse-venues-1280");

  await staff.getByRole("link", { name: "会所前台" }).first().click();
  await expect(staff).toHaveURL(/\/admin\/amenities$/);
  await hydrated(staff);
  await staff.getByText("前台代订（住户或散客）").click();
  const book = staff.locator("form").filter({ has: staff.getByRole("button", { name: "确认预订" }) });
  await book.getByRole("combobox", { name: "场地", exact: true }).selectOption({ label: name });
  await book.getByLabel("开始时间").fill(currentSlot());
  await book.getByLabel("散客姓名").fill("王先生");
  await book.getByLabel("散客手机号").fill("13700000001");
  await book.getByRole("button", { name: "确认预订" }).click();
  const booked = staff.getByText(/已预订，预订码 \d{8}/);
  await expect(booked).toBeVisible();
  const code = (await booked.innerText()).match(/\d{8}/)![0];
  await expect(staff.getByTestId(`booking-${code}`)).toContainText("王先生");

  const checkIn = staff.getByTestId("check-in-form");
  await checkIn.getByLabel("预订码").fill(code);
  await checkIn.getByRole("button", { name: "核销" }).click();
  await expect(staff.getByText(`已核销：王先生 · ${name}`)).toBeVisible();
  await expect(staff.getByTestId(`booking-${code}`)).toContainText("已核销");
  // Twice: refused, saying when.
  await checkIn.getByLabel("预订码").fill(code);
  await checkIn.getByRole("button", { name: "核销" }).click();
  await expect(staff.getByTestId("check-in-error")).toContainText("这个预订已于");
  await shot(staff, "clubhouse-checked-in-1280");
  await staff.close();
});
