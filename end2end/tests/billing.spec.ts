import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, LoginPage, hydrated, shot } from "./fixtures/pages";

test("a resident sees the demo bill, pays at the counter and sees the receipt (375 px)", async ({ browser }) => {
  const resident = await browser.newPage({ viewport: { width: 375, height: 900 } });
  const login = new LoginPage(resident);
  await login.open();
  await login.login("13800000001", DEMO_PASSWORD);
  await expect(resident).toHaveURL(/\/$/);
  await resident.getByRole("link", { name: "缴费" }).first().click();
  await expect(resident).toHaveURL(/\/pay$/);
  const card = resident.getByRole("region", { name: "桂花苑 1-1-0101" });
  await expect(card.getByText("物业服务费").first()).toBeVisible();
  const due = await card.getByTestId("amount-due").innerText();
  expect(due).toMatch(/^¥[1-9][\d,]*\.\d\d$/);
  await expect(card.getByText("在线缴费尚未开通")).toBeVisible();
  await shot(resident, "billing-resident-375");

  const cashier = await browser.newPage({ viewport: { width: 375, height: 900 } });
  const l2 = new LoginPage(cashier);
  await l2.open();
  await l2.login("cashier.ghy", DEMO_PASSWORD);
  await expect(cashier).toHaveURL(/\/admin$/);
  await cashier.goto("/admin/billing/counter");
  await hydrated(cashier);
  await cashier.getByRole("searchbox").fill("1-1-0101");
  await cashier.getByRole("button", { name: "搜索" }).click();
  await cashier.getByRole("button", { name: "桂花苑 1-1-0101" }).click();
  // Everything is selected: the total is what the resident owes, late fees included.
  await expect(cashier.getByTestId("selected-total")).toHaveText(due);
  await shot(cashier, "billing-counter-375");
  await cashier.getByRole("button", { name: "收款" }).click();
  const link = cashier.getByTestId("receipt-link");
  await expect(link).toHaveText(/^SK-\d{6}-\d{6}$/);
  const receiptNo = await link.innerText();
  await link.click();
  await expect(cashier.getByTestId("receipt-no")).toHaveText(receiptNo);
  await expect(cashier.getByTestId("receipt-total")).toHaveText(due);
  await shot(cashier, "billing-receipt-375");

  await resident.reload();
  await hydrated(resident);
  await expect(card.getByText("已全部缴清")).toBeVisible();
  await card.getByRole("link", { name: receiptNo }).click();
  await expect(resident.getByTestId("receipt-no")).toHaveText(receiptNo);
  await expect(resident.getByText("人民币（大写）")).toBeVisible();
  await shot(resident, "billing-resident-receipt-375");
});

test("staff preview a bill run and read the collection report (1280 px)", async ({ browser }) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const l = new LoginPage(page);
  await l.open();
  await l.login("pm.ghy", DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/admin$/);
  await page.goto("/admin/billing/reports");
  await hydrated(page);
  await expect(page.getByRole("cell", { name: /桂花苑管理处/ })).toBeVisible();
  await expect(page.getByRole("img", { name: "收缴率" })).toBeVisible();
  await shot(page, "billing-reports-1280");
  await page.goto("/admin/billing/run");
  await hydrated(page);
  await page.getByLabel("账期").first().fill("2020-01");
  await page.getByRole("button", { name: "预览" }).click();
  await expect(page.getByTestId("run-report")).toContainText("预览（尚未生成）");
  await expect(page.getByTestId("new-lines")).toHaveText("0");
  await shot(page, "billing-run-1280");
});
