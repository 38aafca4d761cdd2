import { Browser, expect, Page, test } from "@playwright/test";
import { BackOffice, DEMO_PASSWORD, LoginPage, ResidentApp, hydrated, shot } from "./fixtures/pages";

import { png } from "./fixtures/files";
const PNG = png(64, 48);

async function signIn(browser: Browser, login: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 900 }, locale: "zh-CN" });
  const page = await ctx.newPage();
  const l = new LoginPage(page);
  await l.open();
  await l.login(login, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/(admin(\/service\?status=mine)?)?$/);
  return page;
}

async function addPhoto(page: Page, name: string, form = "form") {
  const picker = page.locator(form).getByTestId("photo-picker");
  await picker.getByLabel("从相册选择").setInputFiles({ name, mimeType: "image/png", buffer: PNG });
  // Uploaded: the thumbnail shows and no upload is pending.
  await expect(picker.locator(".photo-picker__thumb")).toHaveCount(1);
  await expect(picker.locator(".photo-picker__status")).toHaveCount(0);
}

async function openTicket(page: Page, id: string) {
  await new BackOffice(page).open(`/admin/service/tickets/${id}`);
}

test("a repair from the resident's phone to the rating, with photos at every step (375 px)", async ({ browser }) => {
  test.setTimeout(180_000);
  // An owner of 桂花苑 no other end-to-end test signs in as.
  const resident = await signIn(browser, "13800000008");
  await new ResidentApp(resident).openTab("报修");
  await resident.getByTestId("new-ticket").click();
  await expect(resident).toHaveURL(/\/repair\/new$/);
  await hydrated(resident);
  await resident.getByLabel("类别").selectOption("plumbing");
  await resident.getByLabel("问题描述").fill("厨房水槽下水管漏水，地上有积水");
  await resident.getByLabel("期望上门时间").fill("今天下午");
  await addPhoto(resident, "leak.png", ".ticket-form");
  await shot(resident, "service-new-375");
  await resident.getByTestId("submit-ticket").click();
  await expect(resident).toHaveURL(/\/repair\/\d+$/);
  const id = resident.url().split("/").pop()!;
  await hydrated(resident);
  await expect(resident.locator(".ticket-status")).toHaveText("待受理");
  const number = (await resident.getByTestId("ticket-number").textContent())!.trim();
  expect(number).toMatch(/^R\d{8}-\d+$/);
  await expect(resident.locator(".timeline img")).toHaveCount(1);

  // 客服 accepts and dispatches to the technician.
  const desk = await signIn(browser, "cs.ghy");
  await new BackOffice(desk).open("/admin/service");
  await expect(desk.locator(".ticket-card").filter({ hasText: number })).toBeVisible();
  await shot(desk, "service-desk-list-375");
  await desk.setViewportSize({ width: 1280, height: 900 });
  await shot(desk, "service-desk-list-1280");
  await desk.setViewportSize({ width: 375, height: 900 });
  await openTicket(desk, id);
  await desk.locator('[data-act="accept"]').click();
  await expect(desk.locator(".ticket-status")).toHaveText("已受理");
  // 派工 right after 受理 sends the technician the list shows (it waits for the list to load).
  const chosen = (await desk.locator("#act-dispatch option:checked").textContent())!.split(" (")[0];
  await desk.locator('[data-act="dispatch"]').click();
  await expect(desk.locator(".ticket-status")).toHaveText("已派工");
  await expect(desk.locator("main")).toContainText(chosen);

  // The technician takes it on, checks in with a photo, completes with materials and a photo.
  const tech = await signIn(browser, "tech.ghy");
  // A technician lands on 我的工单, with the new job listed.
  await expect(tech).toHaveURL(/\/admin\/service\?status=mine$/);
  await hydrated(tech);
  await expect(tech.locator(".ticket-card").filter({ hasText: number })).toBeVisible();
  await new BackOffice(tech).open("/admin/service");
  await tech.locator(".ticket-card").filter({ hasText: number }).getByRole("link").click();
  await hydrated(tech);
  await tech.locator('[data-act="take_on"]').click();
  await expect(tech.locator('[data-act="check_in"]')).toBeVisible();
  await addPhoto(tech, "before.png", ".act__photo");
  await tech.locator('[data-act="check_in"]').click();
  await expect(tech.locator(".ticket-status")).toHaveText("处理中");
  // Two saves in a row leave one confirmation, not a pile over the form.
  await expect(tech.locator(".toasts .toast")).toHaveCount(1);
  // 完工 is one tap from the top of the ticket, and refuses a record with no note or photo.
  await tech.getByTestId("jump-complete").click();
  await expect(tech.locator('[data-act="complete"]')).toBeInViewport();
  await tech.locator('[data-act="complete"]').click();
  await expect(tech.locator("#act-complete").getByRole("alert").filter({ hasText: "请填写处理说明" })).toBeVisible();
  await expect(tech.locator(".ticket-status")).toHaveText("处理中");
  await tech.getByLabel(/处理说明/).fill("更换下水管一根，已试水不漏");
  await tech.getByLabel("工时（分钟）").fill("40");
  await tech.getByRole("button", { name: "添加材料" }).click();
  await tech.getByRole("textbox", { name: "材料名称" }).fill("PVC 下水管");
  await addPhoto(tech, "after.png", ".act__complete");
  await shot(tech, "service-complete-375");
  await tech.locator('[data-act="complete"]').click();
  await expect(tech.locator(".ticket-status")).toHaveText("待验收");

  // The office verifies.
  await openTicket(desk, id);
  await desk.locator('[data-act="verify"]').click();
  await expect(desk.locator(".ticket-status")).toHaveText("已验收");

  // The resident rates; the timeline shows every step with its photos.
  await resident.reload();
  await hydrated(resident);
  // No rating is preset: the button waits for a deliberate choice of stars.
  await expect(resident.locator('[data-act="rate"]')).toBeDisabled();
  await expect(resident.locator(".stars__item--on")).toHaveCount(0);
  await resident.locator(".stars__item").nth(4).click();
  await resident.getByLabel("说说您的感受（选填）").fill("师傅很专业");
  await resident.locator('[data-act="rate"]').click();
  await expect(resident.locator(".ticket-status")).toHaveText("已关闭");
  for (const a of ["submit", "accept", "dispatch", "take_on", "check_in", "complete", "verify", "rate"]) {
    await expect(resident.locator(`.timeline__item[data-action="${a}"]`)).toHaveCount(1);
  }
  await expect(resident.locator(".timeline img")).toHaveCount(3);
  // Photos load through the access-checked route.
  const src = await resident.locator(".timeline img").first().getAttribute("src");
  const res = await resident.request.get(src!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("image/jpeg");
  await shot(resident, "service-rated-375");
  // The resident's list shows it closed with its stars.
  await new ResidentApp(resident).openTab("报修");
  await expect(resident.locator(".ticket-card").filter({ hasText: number })).toContainText("已关闭");
});

test("a resident's error is named, and another resident cannot open the ticket (375 px)", async ({ browser }) => {
  const resident = await signIn(browser, "13800000009");
  await resident.goto("/repair/new");
  await hydrated(resident);
  await resident.getByTestId("submit-ticket").click();
  await expect(resident.getByText("请描述问题（至少 2 个字）")).toBeVisible();
  await shot(resident, "service-new-error-375");
  await resident.getByLabel("问题描述").fill("阳台窗户关不严");
  await resident.getByTestId("submit-ticket").click();
  await expect(resident).toHaveURL(/\/repair\/\d+$/);
  const url = new URL(resident.url()).pathname;
  const other = await signIn(browser, "13800000010");
  await other.goto(url);
  await hydrated(other);
  await expect(other.getByText("要找的记录不存在")).toBeVisible();
});
