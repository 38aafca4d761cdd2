import { expect, test } from "@playwright/test";
import { BackOffice, LoginPage, ResidentApp, hydrated, shot } from "./fixtures/pages";

// `./dev e2e` configures Stripe keys and points Linli at end2end/fake-stripe.mjs, a local
// stand-in for Stripe's API and hosted checkout page that signs its webhook like Stripe does.
test("a resident picks all bills or just one with 44 px targets, and the pay bar stays in view (375 px)", async ({ browser }) => {
  // A demo owner with several open lines in one home; this test pays nothing.
  let page = null;
  for (let i = 21; i <= 29 && !page; i++) {
    const ctx = await browser.newContext({ viewport: { width: 375, height: 812 } });
    const p = await ctx.newPage();
    await new LoginPage(p).loginAsResident(`138000000${i}`);
    await new ResidentApp(p).openTab("缴费");
    if ((await p.getByTestId("pick-all").count()) > 0) page = p;
    else await ctx.close();
  }
  expect(page, "a demo resident with several open bills").not.toBeNull();
  const card = page.locator("section.account").filter({ has: page.getByTestId("pick-all") }).first();
  const button = card.getByTestId("pay-online");
  const boxes = card.getByRole("checkbox");
  const n = await boxes.count();
  expect(n).toBeGreaterThan(1);
  // Every tick box sits in a target a thumb can hit.
  const target = await card.locator(".bill-line__pick").first().boundingBox();
  expect(target!.width).toBeGreaterThanOrEqual(44);
  expect(target!.height).toBeGreaterThanOrEqual(44);
  // The pay bar with its total is on screen without scrolling to the end of the list.
  await expect(button).toBeInViewport();
  const all = (await button.innerText()).match(/¥[\d,]+\.\d\d/)![0];
  // 全不选, then 全选.
  await card.getByTestId("pick-all").click();
  await expect(card.getByText("已选 0 项")).toBeVisible();
  await expect(button).toBeDisabled();
  await card.getByTestId("pick-all").click();
  await expect(card.getByText(`已选 ${n} 项`)).toBeVisible();
  await expect(button).toContainText(all);
  // 只缴这一笔: the last line alone, with its own amount on the bar.
  await card.getByTestId("pay-only").last().click();
  await expect(card.getByText("已选 1 项")).toBeVisible();
  await expect(boxes.last()).toBeChecked();
  await expect(boxes.first()).not.toBeChecked();
  await expect(button).not.toContainText(all);
  await expect(button).toBeInViewport();
  await shot(page, "payments-pick-one-375");
});

test("a resident pays online through Checkout, sees the receipt, and the office refunds it (375 px)", async ({ browser }) => {
  // A demo owner whose bill for this month is still open (only a quarter of it is paid); from
  // 13800000020 on, accounts no other test signs in with.
  let page = null;
  for (let i = 20; i <= 40 && !page; i++) {
    const ctx = await browser.newContext({ viewport: { width: 375, height: 900 } });
    const p = await ctx.newPage();
    await new LoginPage(p).loginAsResident(`138000000${String(i).padStart(2, "0")}`);
    await new ResidentApp(p).openTab("缴费");
    await expect(p.getByRole("heading", { level: 1 })).toHaveText("缴费");
    if ((await p.getByTestId("pay-online").count()) > 0) page = p;
    else await ctx.close();
  }
  expect(page, "a demo resident with open bills").not.toBeNull();
  const card = page.locator("section.account").filter({ has: page.getByTestId("pay-online") }).first();
  await expect(card.getByText("勾选要缴的账单")).toBeVisible();
  const button = card.getByTestId("pay-online");
  // Unticking a line lowers the amount; ticking it again restores it.
  const all = (await button.innerText()).match(/¥[\d,]+\.\d\d/)![0];
  const boxes = card.getByRole("checkbox");
  if ((await boxes.count()) > 1) {
    await boxes.first().uncheck();
    await expect(button).not.toContainText(all);
    await boxes.first().check();
  }
  await expect(button).toContainText(all);
  await shot(page, "payments-resident-375");
  await button.click();

  // The provider's hosted page (the stand-in), then back to Linli.
  await page.waitForURL(/\/c\/pay\/cs_test_e2e_\d+$/);
  await expect(page.getByTestId("stripe-amount")).toHaveText(all);
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL(/\/pay\/online\/\d+$/);
  await hydrated(page);
  await expect(page.getByTestId("checkout-status")).toHaveText("已支付");
  await expect(page.getByText("支付成功，已开具收据。")).toBeVisible();
  await shot(page, "payments-paid-375");
  await page.getByTestId("checkout-receipt").click();
  await expect(page.getByTestId("receipt-no")).toHaveText(/^SK-\d{6}-\d{6}$/);
  await expect(page.getByTestId("receipt-total")).toHaveText(all);
  await expect(page.getByText("在线支付").first()).toBeVisible();
  const receiptNo = await page.getByTestId("receipt-no").innerText();

  // The office sees it among online payments and refunds it: a red receipt, bills open again.
  const staff = await browser.newPage({ viewport: { width: 375, height: 900 } });
  await new LoginPage(staff).loginAsStaff("pm.ghy");
  await new BackOffice(staff).open("/admin/billing/online");
  const row = staff.locator("li.online-row").filter({ hasText: receiptNo });
  await expect(row.getByText("已支付")).toBeVisible();
  await shot(staff, "payments-admin-375");
  await row.getByText("退款", { exact: true }).click();
  await row.getByLabel("退款原因").fill("业主重复缴费");
  await row.getByRole("button", { name: "全额退回付款人，并红冲收据" }).click();
  await expect(row.getByText("已退款", { exact: true })).toBeVisible();
  await new ResidentApp(page).openTab("缴费");
  await expect(page.getByTestId("pay-online").first()).toBeVisible();
});
