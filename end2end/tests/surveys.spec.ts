import { expect, test } from "@playwright/test";
import { hydrated, LoginPage, shot } from "./fixtures/pages";

// 社区 → 问卷. When the demo loaded, 桂花苑's manager opened the yearly satisfaction survey to
// every household (one answer each, changeable until it closes) and a dozen households answered.

/** `YYYY-MM-DDTHH:MM` in Shanghai time, `days` from now (a datetime-local field's value). */
function localIn(days: number): string {
  const t = new Date(Date.now() + days * 86_400_000 + 8 * 3_600_000);
  return t.toISOString().slice(0, 16);
}

test("a resident answers the satisfaction survey, misses a required question, then changes an answer (375 px)", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const page = await ctx.newPage();
  // An owner of 桂花苑 no other test signs in as, who has not answered.
  await new LoginPage(page).loginAsResident("13800000025");
  await page.goto("/community");
  await hydrated(page);
  const waiting = page.getByTestId("survey-list").locator("a");
  await expect(waiting.first()).toContainText("物业服务满意度调查");
  await expect(waiting.first()).toContainText("待填写");
  await shot(page, "survey-tab-375");
  await waiting.first().click();
  await expect(page).toHaveURL(/\/community\/surveys\/\d+$/);
  await hydrated(page);
  const form = page.getByTestId("survey");
  await expect(form).toContainText("实名 · 每户一份");

  // Every rating but the last, and the overall judgement left out: the first one missing is named.
  for (let q = 0; q < 6; q++) {
    await form.getByTestId(`q-${q}`).getByLabel("4 星").check();
  }
  await page.getByTestId("submit-survey").click();
  await expect(form.getByTestId("q-6")).toContainText("这道题必答");
  await form.getByTestId("q-6").getByLabel("5 星").check();
  await form.getByTestId("q-7").getByLabel("满意", { exact: true }).check();
  await form.getByTestId("q-8").getByLabel("停车").check();
  await form.getByTestId("q-8").getByLabel("绿化").check();
  await form.getByTestId("q-9").locator("textarea").fill("希望增加充电桩");
  await shot(page, "survey-form-375");
  await page.getByTestId("submit-survey").click();
  await expect(page.getByText("已提交，感谢您的反馈")).toBeVisible();
  await expect(page.getByTestId("survey-status")).toContainText("您已填写");
  // The answer given is what the form shows, and it can be changed.
  await expect(form.getByTestId("q-8").getByLabel("停车")).toBeChecked();
  await form.getByTestId("q-7").getByLabel("非常满意").check();
  await page.getByTestId("submit-survey").click();
  await expect(page.getByTestId("survey-status")).toContainText("您已填写");
  await page.reload();
  await hydrated(page);
  await expect(form.getByTestId("q-7").getByLabel("非常满意")).toBeChecked();
  await expect(form.getByTestId("q-9").locator("textarea")).toHaveValue("希望增加充电桩");

  // Answered: the 社区 tab no longer asks for it.
  await page.goto("/community");
  await hydrated(page);
  await expect(page.getByTestId("survey-list")).toHaveCount(0);
  await page.goto("/community/surveys");
  await hydrated(page);
  await expect(page.getByTestId("survey-list").locator("a").first()).toContainText("已填写");
  await ctx.close();
});

test("a manager asks building 2's tenants a question and reads the satisfaction survey's chart (1280 px)", async ({ browser }) => {
  const staff = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
  await new LoginPage(staff).loginAsStaff("pm.ghy");
  await staff.getByRole("link", { name: "问卷" }).first().click();
  await expect(staff).toHaveURL(/\/admin\/surveys$/);
  await hydrated(staff);
  const form = staff.getByTestId("survey-form");
  await form.getByLabel("标题").fill("会所开放时间征求意见");
  const q1 = form.getByTestId("draft-0");
  await q1.getByLabel("题目 1").fill("您希望会所早上几点开门");
  // One option only: refused, naming the question.
  await q1.getByLabel("选项").fill("7:00");
  await form.getByLabel("仅租户").check();
  await form.getByTestId("notice-buildings").getByLabel("2栋", { exact: true }).check();
  await form.getByLabel("截止时间").fill(localIn(7));
  await form.getByTestId("create-survey").click();
  await expect(q1).toContainText("选择题需要 2 到 20 个选项");
  await q1.getByLabel("选项").fill("7:00\n8:00\n9:00");
  await form.getByTestId("add-question").click();
  const q2 = form.getByTestId("draft-1");
  await q2.getByLabel("题目 2").fill("其他建议");
  await q2.getByLabel("题型").selectOption("text");
  await q2.getByLabel("必答").uncheck();
  await form.getByTestId("create-survey").click();
  await expect(staff.getByText("问卷已保存，将按时发布")).toBeVisible();
  const row = staff.getByTestId("staff-surveys").getByRole("row").filter({ hasText: "会所开放时间征求意见" });
  await expect(row).toContainText("桂花苑 · 2栋 · 仅租户");
  await shot(staff, "survey-admin-1280");

  // Building 2's tenant answers it.
  const tenantCtx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const tenant = await tenantCtx.newPage();
  await new LoginPage(tenant).loginAsResident("13800000041");
  await expect(async () => {
    await tenant.goto("/community/surveys");
    await hydrated(tenant);
    await expect(tenant.getByText("会所开放时间征求意见")).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await tenant.getByText("会所开放时间征求意见").click();
  await hydrated(tenant);
  await tenant.getByTestId("q-0").getByLabel("8:00").check();
  await tenant.getByTestId("submit-survey").click();
  await expect(tenant.getByText("已提交，感谢您的反馈")).toBeVisible();
  await tenantCtx.close();

  // Its results: one household of those reached, all for 8:00.
  await staff.reload();
  await hydrated(staff);
  await row.getByRole("link").click();
  await expect(staff).toHaveURL(/\/admin\/surveys\/\d+$/);
  await hydrated(staff);
  await expect(staff.getByTestId("stat-answered")).toHaveText("1");
  const bars = staff.getByTestId("result-0").getByRole("row");
  await expect(bars.filter({ hasText: "8:00" })).toContainText("100.0%");
  await expect(bars.filter({ hasText: "7:00" })).toContainText("0.0%");

  // The satisfaction survey: a dozen households, a star average per service, written answers.
  await staff.goto("/admin/surveys");
  await hydrated(staff);
  await staff.getByTestId("staff-surveys").getByRole("link", { name: "物业服务满意度调查" }).click();
  await hydrated(staff);
  expect(Number(await staff.getByTestId("stat-answered").innerText())).toBeGreaterThanOrEqual(12);
  await expect(staff.getByTestId("result-0").getByTestId("average")).toHaveText(/^[345]\.\d\d$/);
  await expect(staff.getByTestId("result-9")).toContainText("电梯经常停运");
  await shot(staff, "survey-results-1280");
  await staff.close();
});
