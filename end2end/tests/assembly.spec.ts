import { expect, Page, test } from "@playwright/test";
import { DEMO_PASSWORD, hydrated, LoginPage, shot } from "./fixtures/pages";
import { png } from "./fixtures/files";

// 社区 → 业主大会 in the demo's 桂花苑: a vote open now (owners may change their ballot), one whose
// voting time is over, one published. 13800000001 chairs the owners' committee; 13800000041 rents.
const OPEN = "关于增设电动自行车集中充电设施的表决";
const ENDED = "关于更换小区门禁系统的表决";
const PUBLISHED = "2026 年第一次业主大会";

async function openMeeting(page: Page, title: string) {
  await page.goto("/community/assembly");
  await hydrated(page);
  await page.getByRole("link", { name: new RegExp(title) }).click();
  await expect(page.getByTestId("meeting-title")).toHaveText(title);
  await hydrated(page);
}

/// The committee's page of a meeting, from the meeting's own page.
async function manage(page: Page, title: string) {
  await openMeeting(page, title);
  await page.getByTestId("manage-link").click();
  await expect(page).toHaveURL(/\/community\/assembly\/\d+\/manage$/);
  await expect(page.getByTestId("meeting-title")).toHaveText(title);
  await hydrated(page);
}

test("an owner votes on a phone, changes the ballot and keeps the receipt (375 px)", async ({ page }) => {
  await new LoginPage(page).loginAsResident("13800000003");
  await page.goto("/community");
  await hydrated(page);
  await page.getByRole("link", { name: "业主大会" }).click();
  await expect(page).toHaveURL(/\/community\/assembly$/);
  await expect(page.getByRole("link", { name: new RegExp(PUBLISHED) })).toBeVisible();
  await page.getByRole("link", { name: new RegExp(OPEN) }).click();
  await expect(page.getByTestId("meeting-title")).toHaveText(OPEN);
  await hydrated(page);
  const persons = page.getByTestId("turnout-persons");
  const before = Number(/^(\d+) \//.exec(await persons.innerText())![1]);
  await expect(page.getByText("四分之三以上通过（特别事项）").first()).toBeVisible();

  await page.getByTestId("item-0").getByRole("radio", { name: "同意" }).check();
  await page.getByTestId("item-1").getByRole("radio", { name: "反对" }).check();
  await page.getByRole("button", { name: "提交表决" }).click();
  const receipt = page.getByTestId("receipt");
  await expect(receipt).toHaveText(/^[0-9A-F]{4}(-[0-9A-F]{4}){3}$/);
  const first = await receipt.innerText();
  await expect(persons).toHaveText(new RegExp(`^${before + 1} /`));
  // The form keeps the ballot in force; the owner changes one answer until the close.
  await expect(page.getByTestId("item-1").getByRole("radio", { name: "反对" })).toBeChecked();
  await shot(page, "assembly-voted-375");
  await page.getByTestId("item-1").getByRole("radio", { name: "同意" }).check();
  await page.getByRole("button", { name: "修改表决" }).click();
  await expect(receipt).not.toHaveText(first);
  await expect(receipt).toHaveText(/^[0-9A-F]{4}(-[0-9A-F]{4}){3}$/);
  // Still one person on the turnout: a replaced ballot is not a second one.
  await expect(persons).toHaveText(new RegExp(`^${before + 1} /`));
  await expect(page.getByTestId("item-1").getByRole("radio", { name: "同意" })).toBeChecked();
});

test("a tenant is told why they cannot vote, and gets no ballot", async ({ page }) => {
  await new LoginPage(page).loginAsResident("13800000041");
  await openMeeting(page, OPEN);
  await expect(page.getByTestId("cannot-vote")).toContainText("租户");
  await expect(page.getByRole("button", { name: "提交表决" })).toHaveCount(0);
  await shot(page, "assembly-tenant-375");
});

test("the chair closes the ended vote and publishes it; the result shows every figure", async ({ page }) => {
  await new LoginPage(page).loginAsResident("13800000001");
  await openMeeting(page, ENDED);
  await expect(page.getByText("投票时间已过")).toBeVisible();
  await manage(page, ENDED);
  await page.getByTestId("act-close").click();
  await expect(page.getByTestId("meeting-status")).toHaveText("已截止");
  await page.getByTestId("act-publish").click();
  await expect(page.getByTestId("meeting-status")).toHaveText("已公布");
  await page.getByTestId("meeting-link").click();
  const result = page.getByTestId("result");
  await expect(result).toBeVisible();
  await expect(page.getByTestId("meeting-status")).toHaveText("已公布");
  await expect(result.getByTestId("verdict")).toHaveText(/^(通过|未通过)$/);
  for (const row of ["同意", "反对", "弃权及未填", "参与表决", "全体业主"]) {
    await expect(result.getByRole("row", { name: new RegExp(`^${row}`) })).toBeVisible();
  }
  await expect(result.getByTestId("result-head")).toHaveText(/^[0-9a-f]{64}$/);
  await shot(page, "assembly-result-375");
});

test("the chair drafts a meeting, adds a matter and gives notice", async ({ page }) => {
  await new LoginPage(page).loginAsResident("13800000001");
  await page.goto("/community/assembly");
  await hydrated(page);
  await page.getByText("发起业主大会").click();
  const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("会议名称").fill("关于调整停车费的表决");
  await page.getByLabel("投票开始日").fill(day(20));
  await page.getByLabel("投票截止日").fill(day(30));
  await page.getByRole("button", { name: "保存为草稿" }).click();
  // The committee's page of the new draft is its own part: it shows once loaded.
  await expect(page).toHaveURL(/\/community\/assembly\/\d+\/manage$/);
  await expect(page.getByTestId("meeting-title")).toHaveText("关于调整停车费的表决");
  await expect(page.getByTestId("meeting-status")).toHaveText("草稿");
  await hydrated(page);
  // Notice without a matter is refused, with the reason.
  await page.getByTestId("act-notice").click();
  await expect(page.getByRole("alert").filter({ hasText: "请先添加至少一项表决事项" })).toBeVisible();
  await page.getByLabel("事项", { exact: true }).fill("地面停车费由每月 150 元调整为 120 元");
  await page.getByLabel("表决规则").selectOption("ordinary");
  await page.getByRole("button", { name: "添加表决事项" }).last().click();
  await expect(page.getByText("1. 地面停车费由每月 150 元调整为 120 元")).toBeVisible();
  await page.getByTestId("act-notice").click();
  await expect(page.getByTestId("meeting-status")).toHaveText("已公告");
  await shot(page, "assembly-noticed-375");
});

test("the chair keeps the community's voting rules: never under 15 days' notice", async ({ page }) => {
  await new LoginPage(page).loginAsResident("13800000001");
  await page.goto("/community/assembly");
  await hydrated(page);
  const rules = page.getByTestId("assembly-rules");
  await rules.getByText("本小区投票规则").click();
  await rules.getByLabel("公告期（天）").fill("10");
  await rules.getByRole("button", { name: "保存" }).click();
  await expect(rules.getByText("公告期须在 15 到 60 天之间。")).toBeVisible();
  await rules.getByLabel("公告期（天）").fill("15");
  await rules.getByLabel("截止前提醒（天）").fill("5");
  await rules.getByRole("button", { name: "保存" }).click();
  await expect(page.getByText("已保存")).toBeVisible();
  await expect(rules.getByText("公告期须在 15 到 60 天之间。")).toHaveCount(0);
  await page.reload();
  await hydrated(page);
  await page.getByTestId("assembly-rules").getByText("本小区投票规则").click();
  await expect(page.getByTestId("assembly-rules").getByLabel("截止前提醒（天）")).toHaveValue("5");
  await shot(page, "assembly-rules-375");
});

test("the published result at desk width, with the elected committee (1280 px)", async ({ browser }) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
  await new LoginPage(page).loginAsResident("13800000005");
  await openMeeting(page, PUBLISHED);
  const result = page.getByTestId("result");
  await expect(result.getByText("当选").first()).toBeVisible();
  await expect(result.getByTestId("verdict")).toHaveCount(2);
  await shot(page, "assembly-result-1280");
  await page.close();
});

test("without JavaScript an owner still votes and gets the receipt", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN", javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto("/login");
  await page.getByLabel("手机号或账号").fill("13800000004");
  await page.getByLabel(/^密码$/).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/community/assembly");
  await page.getByRole("link", { name: new RegExp(OPEN) }).click();
  await page.getByTestId("item-0").getByRole("radio", { name: "弃权" }).check();
  await page.getByRole("button", { name: "提交表决" }).click();
  await expect(page.getByTestId("receipt")).toHaveText(/^[0-9A-F]{4}(-[0-9A-F]{4}){3}$/);
  await ctx.close();
});

test("the committee enters a paper ballot, sees it conflict with the online one and settles it (375 px)", async ({ browser }) => {
  // An owner votes online…
  const ownerCtx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const owner = await ownerCtx.newPage();
  await new LoginPage(owner).loginAsResident("13800000006");
  await openMeeting(owner, OPEN);
  await owner.getByTestId("item-0").getByRole("radio", { name: "同意" }).check();
  await owner.getByTestId("item-1").getByRole("radio", { name: "同意" }).check();
  await owner.getByRole("button", { name: "提交表决" }).click();
  await expect(owner.getByTestId("receipt")).toBeVisible();
  const unit = (await owner.locator(".ballot .muted.small").first().innerText()).split(/[、 ]/)[0];
  expect(unit).toMatch(/^\d+-\d+-\d+$/);

  // …and hands in a paper ballot too, which the chair enters from its scan.
  const chairCtx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const chair = await chairCtx.newPage();
  await new LoginPage(chair).loginAsResident("13800000001");
  await manage(chair, OPEN);
  const entry = chair.getByTestId("paper-entry");
  await entry.getByText("录入书面表决票").click();
  // Nothing is entered without saying whose ballot it is.
  await entry.getByTestId("enter-paper").click();
  await expect(entry.getByRole("alert").filter({ hasText: "请先选择这张书面票对应的业主" })).toBeVisible();
  const radios = entry.locator(".voter-pick input[type=radio]");
  await expect(radios).toHaveCount(20);
  await entry.getByLabel("按房号查找").fill(unit);
  await expect.poll(() => radios.count()).toBeLessThan(20);
  const row = entry.locator(".voter-pick__row").filter({ hasText: new RegExp(`^${unit} ·`) });
  await expect(row).toHaveCount(1);
  await expect(row.getByText("已网络投票")).toBeVisible();
  await row.getByRole("radio").check();
  await expect(row.getByRole("radio")).toBeChecked();
  // Without the scan: refused by name.
  await entry.getByTestId("item-0").getByRole("radio", { name: "反对" }).check();
  await entry.getByTestId("item-1").getByRole("radio", { name: "同意" }).check();
  await entry.getByTestId("enter-paper").click();
  await expect(entry.getByRole("alert").filter({ hasText: "请先拍照或上传书面表决票的扫描件" })).toBeVisible();
  await entry.getByTestId("photo-picker").getByLabel("从相册选择").setInputFiles({ name: "ballot.png", mimeType: "image/png", buffer: png(120, 160) });
  await expect(entry.locator(".photo-picker__thumb")).toHaveCount(1);
  await entry.getByTestId("enter-paper").click();

  // Neither ballot is dropped: the conflict is listed with both and the scan.
  const conflict = chair.getByTestId("conflict").filter({ hasText: unit });
  await expect(conflict).toBeVisible();
  await expect(conflict.getByText("网络投票", { exact: true })).toBeVisible();
  // The owner answered item 1 differently on paper: marked on both sides.
  await expect(conflict.getByTestId("differs")).toHaveCount(2);
  await conflict.scrollIntoViewIfNeeded();
  const thumb = conflict.locator("img.conflict__scan");
  await expect.poll(() => thumb.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
  await shot(chair, "assembly-conflict-375");
  await conflict.getByTestId("keep-paper").click();
  await expect(chair.getByTestId("conflict").filter({ hasText: unit })).toHaveCount(0);

  // The owner sees the paper ballot entered for them.
  await owner.reload();
  await hydrated(owner);
  await expect(owner.getByTestId("paper-receipt")).toContainText("业委会已于");
  await chairCtx.close();
  await ownerCtx.close();
});

test("every household reads the committee's roster; the chair keeps it up to date", async ({ browser }) => {
  const ownerCtx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const owner = await ownerCtx.newPage();
  await new LoginPage(owner).loginAsResident("13800000005");
  await owner.goto("/community/assembly");
  await hydrated(owner);
  const card = owner.getByTestId("roster");
  await expect(card.getByRole("heading", { name: /本届业主委员会/ })).toBeVisible();
  await expect(card.getByText("主任", { exact: true })).toHaveCount(1);
  await expect(card.getByText(/向桂花街道办事处备案/)).toBeVisible();
  // An owner reads it; only the committee edits it.
  await expect(card.getByText("修改名册")).toHaveCount(0);
  await shot(owner, "assembly-roster-375");

  const chairCtx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
  const chair = await chairCtx.newPage();
  await new LoginPage(chair).loginAsResident("13800000001");
  await chair.goto("/community/assembly");
  await hydrated(chair);
  const mine = chair.getByTestId("roster");
  await mine.getByText("修改名册").click();
  const members = mine.getByLabel("成员");
  const before = await members.inputValue();
  // A second 主任 is refused, with the reason, and nothing changes.
  await members.fill(`${before}\n赵六 主任`);
  await mine.getByTestId("roster-save").click();
  await expect(mine.getByText("主任只能有一位。")).toBeVisible();
  await members.fill(`${before}\n赵六 委员`);
  await mine.getByTestId("roster-save").click();
  await expect(chair.getByTestId("roster").locator(".roster__members li").filter({ hasText: "赵六" })).toBeVisible();
  await owner.reload();
  await hydrated(owner);
  await expect(owner.getByTestId("roster").locator(".roster__members li").filter({ hasText: "赵六" })).toHaveText(/委员\s*赵六/);
  await chairCtx.close();
  await ownerCtx.close();
});

test("an owner names a proxy, the chair checks the authorization, and the proxy votes for them (375 px)", async ({ browser }) => {
  const phone = { width: 375, height: 812 };
  const ownerCtx = await browser.newContext({ viewport: phone, locale: "zh-CN" });
  const owner = await ownerCtx.newPage();
  await new LoginPage(owner).loginAsResident("13800000018");
  await openMeeting(owner, OPEN);
  const own = owner.getByTestId("own-ballot");
  const form = own.getByTestId("proxy-form");
  await form.getByText("委托他人投票").click();
  await form.getByLabel("代理人姓名").fill("邻居老周");
  await form.getByLabel("代理人手机号").fill("138 0000 0019");
  // Without the signed authorization: refused by name, nothing stored.
  await form.getByTestId("proxy-submit").click();
  await expect(form.getByRole("alert").filter({ hasText: "授权委托书" })).toBeVisible();
  await form.getByTestId("photo-picker").getByLabel("从相册选择").setInputFiles({ name: "auth.png", mimeType: "image/png", buffer: png(120, 160) });
  await expect(form.locator(".photo-picker__thumb")).toHaveCount(1);
  await form.getByTestId("proxy-submit").click();
  const status = own.getByTestId("proxy-status");
  await expect(status).toHaveAttribute("data-status", "pending");
  await expect(status).toContainText("邻居老周");
  await expect(status).toContainText("138****0019");
  await shot(owner, "assembly-proxy-named-375");

  // The chair sees the authorization and accepts it.
  const chairCtx = await browser.newContext({ viewport: phone, locale: "zh-CN" });
  const chair = await chairCtx.newPage();
  await new LoginPage(chair).loginAsResident("13800000001");
  await manage(chair, OPEN);
  const review = chair.getByTestId("proxy-review");
  const row = review.getByTestId("proxy-row").filter({ hasText: "邻居老周" });
  await expect(row).toHaveAttribute("data-status", "pending");
  const thumb = row.locator("img.conflict__scan");
  await thumb.scrollIntoViewIfNeeded();
  await expect.poll(() => thumb.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
  await shot(chair, "assembly-proxy-review-375");
  await row.getByTestId("proxy-accept").click();
  await expect(chair.getByTestId("proxy-review").getByTestId("proxy-row").filter({ hasText: "邻居老周" })).toHaveAttribute("data-status", "accepted");

  // The proxy votes for the owner, on their own phone, next to their own ballot.
  const proxyCtx = await browser.newContext({ viewport: phone, locale: "zh-CN" });
  const proxy = await proxyCtx.newPage();
  await new LoginPage(proxy).loginAsResident("13800000019");
  await openMeeting(proxy, OPEN);
  const card = proxy.getByTestId("proxy-ballot");
  await expect(card.getByText("委托代理人")).toBeVisible();
  await card.getByTestId("item-0").getByRole("radio", { name: "同意" }).check();
  await card.getByTestId("item-1").getByRole("radio", { name: "弃权" }).check();
  await card.getByRole("button", { name: /提交表决|修改表决/ }).click();
  const receipt = proxy.getByTestId("proxy-ballot").getByTestId("receipt");
  await expect(receipt).toHaveText(/^[0-9A-F]{4}(-[0-9A-F]{4}){3}$/);
  await shot(proxy, "assembly-proxy-voted-375");

  // The owner sees the proxy accepted and the ballot with the same receipt.
  await owner.reload();
  await hydrated(owner);
  await expect(owner.getByTestId("own-ballot").getByTestId("proxy-status")).toHaveAttribute("data-status", "accepted");
  await expect(owner.getByTestId("own-ballot").getByTestId("receipt")).toHaveText(await receipt.innerText());
  await proxyCtx.close();
  await chairCtx.close();
  await ownerCtx.close();
});
