import { APIRequestContext, expect, Page, test } from "@playwright/test";
import { BackOffice, DEMO_PASSWORD, LoginPage, hydrated, shot } from "./fixtures/pages";
import { pdf, png } from "./fixtures/files";

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
  await new BackOffice(page).open("/admin/engineering/rounds?abnormal=1");
  await expect(page.getByTestId("result").filter({ hasText: number }).first()).toContainText("生活水泵房");
});

test("without signal the result and its photo wait on the phone and are sent when the signal returns (375 px)", async ({ page, context, request }) => {
  const token = await checkpointToken(request, "地下车库入口");
  await new LoginPage(page).loginAsStaff("tech.ghy");
  await page.goto(`/i/${token}`);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("地下车库入口");
  // Once the service worker controls the page, the form (and its bundle) is kept on the phone:
  // in the basement the code still opens it.
  await page.waitForFunction(() => !!navigator.serviceWorker && !!navigator.serviceWorker.controller, null, { timeout: 15_000 });
  await page.reload();
  await hydrated(page);
  // The service worker keeps each bundle file as it passes through, after the page has it: wait
  // until every file this page loaded is kept before the signal goes.
  await page.waitForFunction(async () => {
    const urls = performance
      .getEntriesByType("resource")
      .map((e) => e.name)
      .filter((u) => new URL(u).pathname.startsWith("/pkg/"));
    const kept = await Promise.all(urls.map((u) => caches.match(u)));
    return urls.length > 0 && kept.every(Boolean);
  }, null, { timeout: 15_000 });

  await context.setOffline(true);
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("地下车库入口");
  // A photo taken in the basement stays on the phone instead of failing.
  const picker = page.getByTestId("photo-picker");
  await picker.getByLabel("从相册选择").setInputFiles({ name: "gate.png", mimeType: "image/png", buffer: png(64, 48) });
  await expect(picker.locator(".photo-picker__status")).toHaveText("无信号，待发送");
  await expect(picker.getByTestId("held-hint")).toHaveText("没有信号：照片先存在手机上，提交后联网时随结果一起发送");
  await expect(picker.locator(".photo-picker__thumb")).toHaveCount(1);
  await shot(page, "inspection-offline-photo-375");
  await page.getByRole("button", { name: "提交巡检结果" }).click();
  await expect(page.getByTestId("kept")).toHaveText("已保存，信号恢复后自动发送（1 条待发送）");
  await expect(picker.locator(".photo-picker__thumb")).toHaveCount(0);
  await expect(page.getByTestId("waiting")).toHaveText("1 条待发送");
  await shot(page, "inspection-offline-375");

  await context.setOffline(false);
  const flushed = page.getByTestId("flushed");
  await expect(flushed).toContainText("已发送 1 条离线记录", { timeout: 30_000 });
  await expect(page.getByTestId("waiting")).toHaveCount(0);
  // The photo went with it, and is served from the result.
  const thumb = flushed.locator(".eng-photos img");
  await expect(thumb).toHaveCount(1);
  const src = await thumb.getAttribute("src");
  const served = await page.request.get(src!);
  expect(served.headers()["content-type"]).toBe("image/jpeg");
  // Nothing is left for the next visit to send.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("waiting")).toHaveCount(0);
});

async function managerToken(request: APIRequestContext): Promise<string> {
  const login = await request.post("/api/v1/auth/login", { data: { login: "pm.ghy", password: DEMO_PASSWORD } });
  expect(login.ok(), await login.text()).toBeTruthy();
  return (await login.json()).token;
}

test("a manual is added to a piece of equipment and downloaded, and a patrol route is edited (375 px)", async ({ page, request }) => {
  const token = await managerToken(request);
  const list = await (await request.get("/api/v1/equipment", { headers: { Authorization: `Bearer ${token}` } })).json();
  const pump = list.find((e: { name: string }) => e.name.includes("水泵")) ?? list[0];
  await new LoginPage(page).loginAsStaff("pm.ghy");

  const office = new BackOffice(page);
  await office.open(`/admin/engineering/equipment/${pump.id}`);
  await page.getByText("修改设备信息").click();
  const docs = page.getByTestId("doc-picker");
  // A Word file is refused by its content, with the reason under its name.
  await docs.getByLabel("选择 PDF").setInputFiles({ name: "说明书.pdf", mimeType: "application/pdf", buffer: Buffer.from("PK\x03\x04 not a pdf") });
  await expect(docs.locator(".doc-picker__item--failed")).toContainText("只能上传 PDF 文档");
  await docs.getByRole("button", { name: "移除文档 说明书.pdf" }).click();
  await docs.getByLabel("选择 PDF").setInputFiles({ name: "水泵说明书.pdf", mimeType: "application/pdf", buffer: pdf(40) });
  await expect(docs.locator(".doc-picker__item")).toHaveCount(1);
  await expect(docs.locator("[aria-busy=true]")).toHaveCount(0);
  await shot(page, "equipment-document-375");
  await page.getByRole("button", { name: "保存" }).first().click();
  const saved = page.getByTestId("equipment-documents").getByRole("link", { name: "水泵说明书.pdf" });
  await expect(saved).toBeVisible();
  const file = await page.request.get((await saved.getAttribute("href"))!);
  expect(file.status()).toBe(200);
  expect(file.headers()["content-type"]).toBe("application/pdf");
  expect(file.headers()["content-disposition"]).toMatch(/^attachment;/);
  expect((await file.body()).length).toBe(pdf(40).length);
  await page.setViewportSize({ width: 1280, height: 900 });
  await shot(page, "equipment-documents-1280");
  await page.setViewportSize({ width: 375, height: 812 });

  // 日间设备巡检: one more start time and 11:30 added, then saved and shown.
  await office.open("/admin/engineering/routes");
  const route = page.getByTestId("route").filter({ hasText: "日间设备巡检" });
  await route.getByText("编辑路线").click();
  const slots = route.getByLabel("每日开始时间");
  await expect(slots).toHaveValue("09:00, 15:00");
  await slots.fill("09:00, 11:30, 15:00");
  await shot(page, "route-edit-375");
  await route.getByRole("button", { name: "保存" }).click();
  const edited = page.getByTestId("route").filter({ hasText: "日间设备巡检" });
  await expect(edited.locator(".chip")).toHaveText(["09:00", "11:30", "15:00"]);
  // A time that does not exist is refused on its field.
  await edited.getByText("编辑路线").click();
  await edited.getByLabel("每日开始时间").fill("09:00, 25:00");
  await edited.getByRole("button", { name: "保存" }).click();
  await expect(edited.locator(".field--error")).toBeVisible();
  await expect(edited.locator(".chip")).toHaveText(["09:00", "11:30", "15:00"]);
});
