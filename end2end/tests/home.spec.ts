import { expect, test } from "@playwright/test";
import { hydrated, LoginPage, shot } from "./fixtures/pages";

// 首页: the resident's day at a glance. The demo bills every home of 桂花苑, writes five notices
// (a water cut as an emergency among them) and a survey; the worker sends them after start.

test("首页 shows what is due with a pay button, the notices that matter, and a complaint in progress (375 px)", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const page = await ctx.newPage();
  // An owner of 桂花苑 no other test signs in as, with a bill unpaid.
  await new LoginPage(page).loginAsResident("13800000023");
  await hydrated(page);
  // What is due is the 缴费 tab's total, and the button leads there.
  const due = page.getByTestId("home-due");
  await expect(due).toBeVisible();
  const amount = (await page.getByTestId("home-due-amount").innerText()).trim();
  expect(amount).toMatch(/^¥[\d,]+\.\d\d$/);
  // The emergency stands first among the notices (sent by the worker just after start).
  await expect(async () => {
    await page.reload();
    await hydrated(page);
    await expect(page.getByTestId("notice-list").locator("a").first()).toContainText("全小区停水", { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId("notice-list").locator("a").first()).toContainText("紧急");
  await expect(page.getByTestId("home-tickets")).toHaveCount(0);
  await shot(page, "home-375");

  // 投诉 opens the form on a complaint; once sent it is on 首页, in progress.
  await page.getByRole("link", { name: "投诉", exact: true }).click();
  await expect(page).toHaveURL(/\/repair\/new\?kind=complaint$/);
  await hydrated(page);
  await expect(page.getByRole("radio", { name: "投诉" })).toBeChecked();
  await page.getByLabel("问题描述").fill("晚上十点后楼下广场舞音乐太响");
  await page.getByTestId("submit-ticket").click();
  await expect(page).toHaveURL(/\/repair\/\d+$/);
  await page.getByRole("link", { name: "首页" }).first().click();
  await expect(page).toHaveURL(/\/$/);
  const tickets = page.getByTestId("home-tickets");
  await expect(tickets.locator("li")).toHaveCount(1);
  await expect(tickets).toContainText("广场舞");
  await expect(tickets).toContainText("待受理");
  await expect(page.getByTestId("open-tickets")).toHaveText("1");

  await page.getByTestId("home-pay").click();
  await expect(page).toHaveURL(/\/pay$/);
  await hydrated(page);
  await expect(page.getByText(amount).first()).toBeVisible();

  // Another household, all paid up: 首页 says so, and shows nothing of the complaint above.
  const other = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const second = await other.newPage();
  await new LoginPage(second).loginAsResident("13800000022");
  await hydrated(second);
  await expect(second.getByTestId("home-due")).toContainText("已缴清");
  await expect(second.getByTestId("home-pay")).toHaveCount(0);
  await expect(second.getByText("广场舞")).toHaveCount(0);
  await shot(second, "home-paid-375");
  await ctx.close();
  await other.close();
});

test("首页 at 1280 px: what is due and the eight entry points", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
  const page = await ctx.newPage();
  await new LoginPage(page).loginAsResident("13800000023");
  await hydrated(page);
  await expect(page.getByTestId("home-due")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "常用功能" }).getByRole("link")).toHaveCount(8);
  await shot(page, "home-1280");
  await ctx.close();
});
