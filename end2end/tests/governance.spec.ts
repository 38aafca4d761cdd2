import { expect, test } from "@playwright/test";
import { BackOffice, DEMO_PASSWORD, LoginPage, shot } from "./fixtures/pages";

// The voter register (表决权登记册): what a vote would count, checked before one opens.
test("a manager reads 桂花苑's voter register on a phone; another office's manager cannot (375 px)", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const page = await ctx.newPage();
  await new LoginPage(page).loginAsStaff("pm.ghy");
  await new BackOffice(page).open("/admin/governance/register");
  await expect(page.getByRole("heading", { name: "表决权登记册" })).toBeVisible();
  const community = page.getByLabel("小区");
  await expect(community.locator("option:checked")).toHaveText("桂花苑");
  // The picker reacts by itself once the page runs: no 查看 button then.
  await expect(page.getByRole("button", { name: "查看" })).toBeHidden();
  const units = Number(await page.getByTestId("reg-units").innerText());
  const persons = Number(await page.getByTestId("reg-persons").innerText());
  expect(units).toBeGreaterThan(0);
  // One person per unit at most: the developer's stock and multi-unit owners only merge.
  expect(persons).toBeGreaterThan(0);
  expect(persons).toBeLessThanOrEqual(units);
  await expect(page.getByTestId("reg-area")).toHaveText(/^\d+\.\d{2}$/);
  const rows = page.locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeLessThanOrEqual(100);
  await shot(page, "governance-register-375");

  // The filter finds one home by its number.
  await page.getByPlaceholder("按房号或姓名筛选").fill("1-1-0101");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("1-1-0101");
  await expect(rows.first().locator("td").last()).toHaveText(/^\d+\.\d{2}$/);

  // The address names the community, so another office's manager can be handed the link.
  const id = await community.inputValue();
  const other = await ctx.newPage();
  await ctx.clearCookies();
  await new LoginPage(other).loginAsStaff("pm.yqf");
  await new BackOffice(other).open(`/admin/governance/register?community=${id}`);
  await expect(other.getByText("要找的记录不存在")).toBeVisible();
  await expect(other.getByTestId("reg-units")).toHaveCount(0);
  await ctx.close();
});

test("the register at desk width (1280 px)", async ({ browser }) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
  await new LoginPage(page).loginAsStaff("pm.ghy");
  await new BackOffice(page).open("/admin/governance/register");
  await expect(page.getByRole("columnheader", { name: "表决人" })).toBeVisible();
  await shot(page, "governance-register-1280");
  await page.close();
});

test("without JavaScript the administrator picks another community with 查看", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN", javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto("/login");
  await page.getByLabel("手机号或账号").fill("admin");
  await page.getByLabel(/^密码$/).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/admin/);
  await page.goto("/admin/governance/register");
  await expect(page.getByTestId("reg-units")).toHaveText(/^\d+$/);
  const community = page.getByLabel("小区");
  const shown = await community.locator("option:checked").innerText();
  const other = (await community.locator("option").allInnerTexts()).find((n) => n !== shown)!;
  expect(other, "the administrator sees more than one community").toBeTruthy();
  await community.selectOption({ label: other });
  await page.getByRole("button", { name: "查看" }).click();
  await expect(page).toHaveURL(/\?community=\d+$/);
  await expect(community.locator("option:checked")).toHaveText(other);
  await expect(page.getByTestId("reg-units")).toHaveText(/^\d+$/);
  await ctx.close();
});
