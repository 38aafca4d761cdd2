import { expect, test } from "@playwright/test";
import { BackOffice, DEMO_PASSWORD, LoginPage, ResidentApp, SignupPage, expectLoggedInHome, hydrated, shot } from "./fixtures/pages";

for (const width of [1280, 375]) {
  test(`staff generate a building and record an owner, who then sees the home in 我的 (${width} px)`, async ({ browser }) => {
    const staff = await browser.newPage({ viewport: { width, height: 900 } });
    await new LoginPage(staff).loginAsStaff("pm.ghy");
    await new BackOffice(staff).open("/admin/units");
    await expect(staff.getByRole("heading", { name: "房屋" })).toBeVisible();
    // Office 桂花苑 sees its own units only.
    await expect(staff.getByRole("link", { name: "1-1-0101" })).toBeVisible();
    await expect(staff.getByText("云栖府")).toHaveCount(0);

    const code = "E" + Math.floor(Math.random() * 1e6);
    await staff.getByText("新建楼栋（一键生成房屋）").click();
    await staff.getByLabel("楼栋号").fill(code);
    await staff.getByLabel("单元数").fill("1");
    await staff.getByLabel("最高楼层").fill("0");
    await staff.getByLabel("每层户数").fill("2");
    await staff.getByRole("button", { name: "生成" }).click();
    await expect(staff.getByText("数值超出允许范围").first()).toBeVisible();
    await staff.getByLabel("最高楼层").fill("5");
    await staff.getByLabel("跳过楼层").fill("4");
    await staff.getByLabel("建筑面积").fill("89.57");
    await staff.getByRole("button", { name: "生成" }).click();
    await expect(staff.getByText("已生成 8 户房屋")).toBeVisible();
    await staff.getByRole("searchbox").fill(`${code}-1-05`);
    await staff.getByRole("searchbox").press("Enter");
    const unit = `${code}-1-0501`;
    await expect(staff.getByRole("link", { name: unit })).toBeVisible();
    await expect(staff.getByRole("link", { name: `${code}-1-0401` })).toHaveCount(0);
    await shot(staff, `records-units-${width}`);
    await staff.getByRole("link", { name: unit }).click();
    await expect(staff.getByRole("heading", { name: `桂花苑 · ${unit}` })).toBeVisible();
    await hydrated(staff);
    await expect(staff.getByText("89.57 ㎡")).toBeVisible();

    const phone = "139" + String(Math.floor(Math.random() * 1e8)).padStart(8, "0");
    await staff.getByLabel("姓名").fill("新业主");
    await staff.getByLabel("手机号").fill(phone);
    await staff.locator("#f-relation").selectOption("owner");
    await staff.getByRole("button", { name: "登记", exact: true }).click();
    await expect(staff.getByRole("listitem").filter({ hasText: "新业主" })).toBeVisible();
    await expect(staff.getByText(phone.slice(0, 3) + "****" + phone.slice(7))).toBeVisible();
    await shot(staff, `records-unit-${width}`);
    await staff.close();

    // The owner signs up with that phone on a phone-sized screen: the home is already there.
    const resident = await browser.newPage({ viewport: { width: 375, height: 812 } });
    const signup = new SignupPage(resident);
    await signup.open();
    await signup.signUp(phone, "新业主", "Green-tea-garden-7");
    await expectLoggedInHome(resident, "您好，新业主");
    await new ResidentApp(resident).followTab("我的");
    await expect(resident.getByText(`桂花苑 ${unit}`)).toBeVisible();
    await expect(resident.locator(".homes .badge").first()).toHaveText("业主");
    await shot(resident, `records-my-home-${width}`);
    await resident.close();
  });
}

test("a demo resident sees their household, and a second home in another community", async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await login.login("13800000007", DEMO_PASSWORD);
  await expectLoggedInHome(page, "您好");
  await page.goto("/me");
  await expect(page.getByText("桂花苑 1-1-0401")).toBeVisible();
  await expect(page.getByText(/^云栖府 [0-9A-Z]/)).toBeVisible();
  await expect(page.getByText("1-1-0101")).toHaveCount(0);
  // The household lists the account holder under the name on the account.
  const me = (await page.getByTestId("profile-name").textContent())!;
  await expect(page.locator(".homes li", { hasText: "138****0007" }).first()).toContainText(me);
  await shot(page, "records-two-homes-375");
});

test("the units list loads the next page once per tap, and a new search starts over", async ({ page }) => {
  await new LoginPage(page).loginAsStaff("pm.ghy");
  await new BackOffice(page).open("/admin/units");
  const rows = page.locator("table tbody tr");
  // 桂花苑 has 300 homes: the first page shows 50.
  await expect(rows).toHaveCount(50);
  const more = page.getByRole("button", { name: "加载更多" });
  // A double tap asks once: the button is busy until the page arrives.
  await more.dblclick();
  await expect(rows).toHaveCount(100);
  const numbers = await page.locator("table tbody tr a").allInnerTexts();
  expect(new Set(numbers).size).toBe(numbers.length);
  await expect(more).toBeEnabled();
  await shot(page, "records-units-more");

  await page.getByRole("searchbox").fill("1-1-01");
  await page.getByRole("searchbox").press("Enter");
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText("1-1-0101");
  await expect(more).toHaveCount(0);
});
