import { expect, test } from "@playwright/test";
import { LoginPage, hydrated, shot } from "./fixtures/pages";

test.describe("system administrator at 1280 px", () => {
  test.use({ viewport: { width: 1280, height: 900 } });

  test("creates a staff account with a role and scope, then finds it in the audit log", async ({ page }) => {
    await new LoginPage(page).loginAsStaff("admin");
    await expect(page.getByRole("heading", { name: "概览" })).toBeVisible();
    await shot(page, "admin-overview-1280");

    await page.getByRole("link", { name: "员工账号" }).first().click();
    await expect(page).toHaveURL(/\/admin\/users$/);
    await hydrated(page);
    const login_name = "e2e." + Math.floor(Math.random() * 1e6);
    await page.getByText("新建员工账号").click();
    await page.getByLabel("账号", { exact: true }).fill(login_name);
    await page.getByLabel("姓名").fill("测试收费员");
    await page.getByLabel("初始密码").fill("Counter-window-88");
    await page.locator("#f-role").selectOption("cashier");
    const office = await page.locator("#f-org option", { hasText: "桂花苑管理处" }).getAttribute("value");
    await page.locator("#f-org").selectOption(office!);
    await page.getByRole("button", { name: "创建" }).click();
    await expect(page.getByRole("cell", { name: login_name })).toBeVisible();
    await shot(page, "admin-users-1280");

    await page.getByRole("link", { name: "审计日志" }).first().click();
    await expect(page).toHaveURL(/\/admin\/audit$/);
    await expect(page.getByText("user.create").first()).toBeVisible();
    await shot(page, "admin-audit-1280");

    await page.getByRole("link", { name: "角色权限" }).first().click();
    await expect(page.getByRole("columnheader", { name: "收费员" })).toBeVisible();
    await shot(page, "admin-roles-1280");
  });
});

test("the staff sidebar collapses into a drawer on a phone", async ({ page }) => {
  await new LoginPage(page).loginAsStaff("pm.ghy");
  await hydrated(page);
  const nav = page.locator("#staff-nav");
  await expect(nav).not.toBeInViewport();
  await page.getByRole("button", { name: "菜单" }).click();
  await expect(nav).toBeInViewport();
  await shot(page, "admin-drawer-375");
  await nav.getByRole("link", { name: "员工账号" }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  // Office staff see their own office only.
  await expect(page.getByText("cs.ghy")).toBeVisible();
  await expect(page.getByText("cs.yqf")).toHaveCount(0);
  await shot(page, "admin-users-375");
});

test("a resident is turned away from the back office", async ({ page }) => {
  await new LoginPage(page).loginAsResident("13800000004");
  await page.goto("/admin/users");
  await expect(page.getByText("您没有权限执行此操作")).toBeVisible();
});
