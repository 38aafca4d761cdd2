import { APIRequestContext, expect, Page, test } from "@playwright/test";
import { DEMO_PASSWORD, LoginPage, hydrated, shot } from "./fixtures/pages";

/** The QR token of a demo checkpoint of 桂花苑, read through the API as its project manager. */
async function checkpointToken(request: APIRequestContext, name: string): Promise<string> {
  const login = await request.post("/api/v1/auth/login", { data: { login: "pm.ghy", password: DEMO_PASSWORD } });
  expect(login.ok(), await login.text()).toBeTruthy();
  const { token } = await login.json();
  const r = await request.get("/api/v1/checkpoints", { headers: { Authorization: `Bearer ${token}` } });
  expect(r.ok()).toBeTruthy();
  const list: { name: string; qr_token: string }[] = await r.json();
  const found = list.find((c) => c.name === name);
  expect(found, `demo checkpoint ${name}`).toBeTruthy();
  return found!.qr_token;
}

function item(page: Page, label: string) {
  return page.locator(".eng-check__item").filter({ hasText: label });
}

test("a QR scan leads to the checkpoint form, and an abnormal result creates a ticket (375 px)", async ({ page, request }) => {
  const token = await checkpointToken(request, "生活水泵房");
  // Scanning while signed out: log in, and come back to the form.
  await page.goto(`/i/${token}`);
  await hydrated(page);
  await page.getByRole("link", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/login\?next=/);
  await hydrated(page);
  await new LoginPage(page).login("tech.ghy", DEMO_PASSWORD);
  await expect(page).toHaveURL(new RegExp(`/i/${token}$`));
  await hydrated(page);

  await expect(page.getByRole("heading", { level: 1 })).toHaveText("生活水泵房");
  await expect(item(page, "压力表读数")).toBeVisible();
  const abnormal = item(page, "压力表读数").getByRole("button", { name: "异常" });
  await abnormal.click();
  await expect(abnormal).toHaveAttribute("aria-pressed", "true");
  await expect(item(page, "有无渗漏").getByRole("button", { name: "正常" })).toHaveAttribute("aria-pressed", "true");
  await page.getByLabel("备注").fill("压力表指针抖动，读数偏低");
  await shot(page, "inspection-form-375");
  await page.getByRole("button", { name: "提交巡检结果" }).click();

  const status = page.getByTestId("scan-status");
  await expect(status).toContainText("已提交");
  await expect(status).toContainText("已生成报修单");
  const ticket = status.getByRole("link", { name: /^R\d{8}-\d{4}$/ });
  await expect(ticket).toHaveAttribute("href", /^\/admin\/service\/tickets\/\d+$/);
  await shot(page, "inspection-ticket-375");
  // The form is ready for the next round: every item back to 正常.
  await expect(abnormal).toHaveAttribute("aria-pressed", "false");

  // The result is on the rounds page with its ticket.
  const number = (await ticket.innerText()).trim();
  await page.goto("/admin/engineering/rounds?abnormal=1");
  await hydrated(page);
  await expect(page.getByTestId("result").filter({ hasText: number }).first()).toContainText("生活水泵房");
});

test("without signal the result waits on the phone and is sent when the signal returns (375 px)", async ({ page, context, request }) => {
  const token = await checkpointToken(request, "地下车库入口");
  const login = new LoginPage(page);
  await login.open();
  await login.login("tech.ghy", DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/admin$/);
  await page.goto(`/i/${token}`);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("地下车库入口");
  // Once the service worker controls the page, the form (and its bundle) is kept on the phone:
  // in the basement the code still opens it.
  await page.waitForFunction(() => !!navigator.serviceWorker && !!navigator.serviceWorker.controller, null, { timeout: 15_000 });
  await page.reload();
  await hydrated(page);

  await context.setOffline(true);
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("地下车库入口");
  await page.getByRole("button", { name: "提交巡检结果" }).click();
  await expect(page.getByTestId("kept")).toHaveText("已保存，信号恢复后自动发送（1 条待发送）");
  await expect(page.getByTestId("waiting")).toHaveText("1 条待发送");
  await shot(page, "inspection-offline-375");

  await context.setOffline(false);
  await expect(page.getByTestId("flushed")).toContainText("已发送 1 条离线记录", { timeout: 30_000 });
  await expect(page.getByTestId("waiting")).toHaveCount(0);
  // Nothing is left for the next visit to send.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("waiting")).toHaveCount(0);
});
