import { expect, test } from "@playwright/test";
import { BackOffice, LoginPage, hydrated, shot } from "./fixtures/pages";

test("a resident sees the demo bill, pays at the counter and sees the receipt (375 px)", async ({ browser }) => {
  const resident = await browser.newPage({ viewport: { width: 375, height: 900 } });
  await new LoginPage(resident).loginAsResident("13800000001");
  await resident.getByRole("link", { name: "缴费" }).first().click();
  await expect(resident).toHaveURL(/\/pay$/);
  const card = resident.getByRole("region", { name: "桂花苑 1-1-0101" });
  await expect(card.getByText("物业服务费").first()).toBeVisible();
  const due = await card.getByTestId("amount-due").innerText();
  expect(due).toMatch(/^¥[1-9][\d,]*\.\d\d$/);
  // Online payment is configured in end-to-end runs (see payments.spec.ts).
  await expect(card.getByTestId("pay-online")).toContainText(due);
  await shot(resident, "billing-resident-375");

  const cashier = await browser.newPage({ viewport: { width: 375, height: 900 } });
  await new LoginPage(cashier).loginAsStaff("cashier.ghy");
  await new BackOffice(cashier).open("/admin/billing/counter");
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

test("the counter gives change for cash over the bill unless the cashier keeps it as prepayment", async ({ page }) => {
  await new LoginPage(page).loginAsStaff("cashier.ghy");
  await new BackOffice(page).open("/admin/billing/counter");
  await page.getByRole("searchbox").fill("1-1-0102");
  await page.getByRole("button", { name: "搜索" }).click();
  await page.getByRole("button", { name: "桂花苑 1-1-0102" }).click();
  const due = await page.getByTestId("selected-total").innerText();
  const fen = Math.round(Number(due.replace(/[¥,]/g, "")) * 100);
  const amount = page.getByLabel("实收金额（元）");
  // A typo is named next to the field and nothing can be sent.
  await amount.fill("abc");
  await expect(page.getByTestId("tendered-error")).not.toBeEmpty();
  await expect(amount).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByRole("button", { name: "收款" })).toBeDisabled();
  // ¥100 more than the bill: ¥100.00 change, and only the bill is booked.
  await amount.fill(((fen + 10_000) / 100).toFixed(2));
  await expect(page.getByTestId("tendered-error")).toBeEmpty();
  await expect(page.getByTestId("change-due")).toHaveText("¥100.00");
  await expect(page.getByTestId("excess-to-prepaid")).not.toBeChecked();
  await shot(page, "billing-counter-change-375");
  await page.getByRole("button", { name: "收款" }).click();
  const link = page.getByTestId("receipt-link");
  await expect(link).toHaveText(/^SK-\d{6}-\d{6}$/);
  await link.click();
  await expect(page.getByTestId("receipt-total")).toHaveText(due);
});

test("staff preview a bill run and read the collection report (1280 px)", async ({ browser }) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await new LoginPage(page).loginAsStaff("pm.ghy");
  const office = new BackOffice(page);
  await office.open("/admin/billing/reports");
  await expect(page.getByRole("cell", { name: /桂花苑管理处/ })).toBeVisible();
  await expect(page.getByRole("img", { name: "收缴率" })).toBeVisible();
  await shot(page, "billing-reports-1280");
  await office.open("/admin/billing/run");
  await page.getByLabel("账期").first().fill("2020-01");
  await page.getByRole("button", { name: "预览" }).click();
  await expect(page.getByTestId("run-report")).toContainText("预览（尚未生成）");
  await expect(page.getByTestId("new-lines")).toHaveText("0");
  await shot(page, "billing-run-1280");
});

test("a manager walks the meters of 桂花苑 on a phone and enters a reading (375 px)", async ({ browser }) => {
  const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
  await new LoginPage(page).loginAsStaff("pm.ghy");
  await new BackOffice(page).open("/admin/billing/meters");
  await page.getByLabel("小区").selectOption({ label: "桂花苑" });
  // The demo billed this month: its readings are shown, read-only, with the reason.
  await expect(page.getByText("本月已按此读数出账，不能再改").first()).toBeVisible();
  await expect(page.getByText(/共 \d+ 块表/)).toBeVisible();
  await shot(page, "billing-meters-375");

  // Next month is open: enter 1-1-0101's reading and see its usage at once.
  await page.getByRole("button", { name: "下个月" }).click();
  const input = page.getByLabel("1-1-0101 本月读数");
  await expect(input).toBeEditable();
  await expect(input).toHaveAttribute("inputmode", "decimal");
  const card = page.locator("li.meter").filter({ has: input });
  const prev = Number(await card.locator(".meter__prev .meter__num").innerText());
  await input.fill((prev + 12.5).toFixed(2));
  await expect(card.getByText("将计用量 12.50")).toBeVisible();
  await input.press("Enter");
  await expect(card.getByTestId("usage")).toHaveText("12.50");
  await expect(card.getByText("已保存")).toBeVisible();
  // A reading below the last one is stored and flagged.
  await input.fill((prev - 1).toFixed(2));
  await card.getByRole("button", { name: "保存" }).click();
  await expect(card.getByTestId("anomaly")).toHaveText("读数小于上次");
  await expect(card.getByTestId("usage")).toHaveText("-1.00");
  await shot(page, "billing-meters-entry-375");
  // Bad input names the field and stores nothing.
  await input.fill("12.345");
  await input.press("Enter");
  await expect(card.getByText("读数须为非负数，最多两位小数")).toBeVisible();
  await input.fill((prev + 3).toFixed(2));
  await input.press("Enter");
  await expect(card.getByTestId("usage")).toHaveText("3.00");
});

test("a manager sets the late-fee rules of the office and saves them (375 px)", async ({ browser }) => {
  const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
  await new LoginPage(page).loginAsStaff("pm.ghy");
  await new BackOffice(page).open("/admin/billing/settings");
  // The demo office charges 0.5‰ a day after 5 grace days.
  await expect(page.getByLabel("逾期按日计收")).toBeChecked();
  await expect(page.getByLabel("日费率")).toHaveValue("0.5");
  const grace = page.getByLabel("宽限天数");
  await expect(grace).toHaveValue("5");
  await grace.fill("400");
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.getByText("宽限天数须为 0–365 之间的整数")).toBeVisible();
  await expect(grace).toHaveAttribute("aria-invalid", "true");
  await grace.fill("7");
  await page.getByLabel("空置房减免").fill("30");
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.getByText("已保存")).toBeVisible();
  await shot(page, "billing-settings-375");
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel("宽限天数")).toHaveValue("7");
  // Back to the demo's rule, so the other walkthroughs see the demo as it was.
  await page.getByLabel("宽限天数").fill("5");
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.getByText("已保存")).toBeVisible();
});
