import { expect, test } from "@playwright/test";
import { BackOffice, LoginPage, ResidentApp, SignupPage, expectLoggedInHome, hydrated, shot } from "./fixtures/pages";

function freshPhone() {
  return "137" + String(Math.floor(Math.random() * 1e8)).padStart(8, "0");
}

for (const width of [375, 1280]) {
  test(`a resident not on record asks to bind, staff approve, the home appears in 我的 (${width} px)`, async ({ browser }) => {
    const phone = freshPhone();
    const resident = await browser.newPage({ viewport: { width, height: 900 } });
    const signup = new SignupPage(resident);
    await signup.open();
    await signup.signUp(phone, "新租户", "Green-tea-garden-7");
    await expectLoggedInHome(resident, "您好，新租户");
    await new ResidentApp(resident).followTab("我的");
    await expect(resident.getByText("还没有绑定房屋")).toBeVisible();
    await hydrated(resident);
    await resident.getByText("申请绑定房屋").click();
    await resident.locator("#f-bind-community").selectOption({ label: "桂花苑" });
    await resident.getByLabel("房号").fill("9-9-9999");
    await resident.locator("#f-bind-relation").selectOption("tenant");
    await resident.getByLabel("真实姓名").fill("新租户");
    await resident.getByRole("button", { name: "提交申请" }).click();
    await expect(resident.getByText("该小区没有这个房号，请核对门牌")).toBeVisible();
    const unit = width === 375 ? "2-1-0302" : "2-2-0302";
    await resident.getByLabel("房号").fill(unit);
    await resident.getByRole("button", { name: "提交申请" }).click();
    await expect(resident.getByText("待审核")).toBeVisible();
    await shot(resident, `people-bind-request-${width}`);

    const staff = await browser.newPage({ viewport: { width, height: 900 } });
    await new LoginPage(staff).loginAsStaff("pm.ghy");
    await new BackOffice(staff).open("/admin/binds");
    const row = staff.locator("tr", { hasText: `桂花苑 ${unit}` }).filter({ hasText: "新租户" });
    await expect(row).toBeVisible();
    await shot(staff, `people-binds-${width}`);
    await row.getByRole("button", { name: "通过" }).click();
    await expect(staff.getByText(`桂花苑 ${unit} · 已通过`)).toBeVisible();
    await staff.close();

    await resident.reload();
    await expect(resident.getByText(`桂花苑 ${unit}`).first()).toBeVisible();
    await expect(resident.locator(".homes .badge").first()).toHaveText("租户");
    await expect(resident.getByText("已通过")).toBeVisible();
    // The tenant adds a family member to the household.
    await hydrated(resident);
    await resident.getByText("添加家庭成员").click();
    await resident.locator(".home__invite").getByLabel("姓名").fill("小租户");
    await resident.locator(".home__invite").getByLabel("手机号").fill(freshPhone());
    await resident.getByRole("button", { name: "邀请", exact: true }).click();
    // Invited, not linked: the household sees a masked name until the person accepts.
    const pending = resident.getByTestId("pending-invite").filter({ hasText: "小**" });
    await expect(pending).toBeVisible();
    await expect(pending).toContainText("待对方确认");
    // The form is cleared once the invite is sent.
    await expect(resident.locator(".home__invite").getByLabel("手机号")).toHaveValue("");
    await shot(resident, `people-my-home-${width}`);
    await resident.close();
  });
}

test("staff find a person by plate, record an ID number with consent, and only the administrator reveals it", async ({ browser }) => {
  const staff = await browser.newPage({ viewport: { width: 375, height: 900 } });
  await new LoginPage(staff).loginAsStaff("pm.ghy");
  const office = new BackOffice(staff);
  // A vehicle on a unit, found again through the people search.
  await office.open("/admin/units");
  await staff.getByRole("searchbox").fill("3-2-0801");
  await staff.getByRole("searchbox").press("Enter");
  await staff.getByRole("link", { name: "3-2-0801" }).click();
  await expect(staff.getByRole("heading", { name: "桂花苑 · 3-2-0801" })).toBeVisible();
  await hydrated(staff);
  const plate = "浙A" + String(Math.floor(Math.random() * 9e4) + 1e4);
  await staff.getByText("登记车辆").click();
  await staff.getByLabel("车牌号").fill("浙A12");
  await staff.getByRole("button", { name: "登记", exact: true }).last().click();
  await expect(staff.getByText("车牌号格式不正确").first()).toBeVisible();
  await staff.getByLabel("车牌号").fill(plate);
  await staff.getByRole("button", { name: "登记", exact: true }).last().click();
  await expect(staff.locator(".plate", { hasText: plate })).toBeVisible();
  await shot(staff, "people-unit-375");

  await office.open("/admin/people");
  await staff.getByRole("searchbox").fill(plate);
  await staff.getByRole("searchbox").press("Enter");
  const link = staff.locator("table.people a").first();
  await expect(link).toBeVisible();
  await expect(staff.locator("table.people")).toContainText(plate);
  await shot(staff, "people-search-375");
  await link.click();
  await hydrated(staff);
  await expect(staff.getByText("3-2-0801").first()).toBeVisible();
  const id = "11010519491231002X";
  await staff.getByLabel("身份证号", { exact: true }).fill("110105194912310021");
  await staff.getByRole("button", { name: "保存" }).click();
  await expect(staff.getByText("身份证号校验位不正确，请核对每一位")).toBeVisible();
  await staff.getByLabel("身份证号", { exact: true }).fill(id);
  await staff.getByRole("button", { name: "保存" }).click();
  await expect(staff.getByText("请先确认本人已同意保存身份证号")).toBeVisible();
  await staff.getByRole("checkbox").check();
  await staff.getByRole("button", { name: "保存" }).click();
  await expect(staff.getByTestId("id-number")).toHaveText("110105********002X");
  // Once stored, the full number does not linger in the form.
  await expect(staff.getByLabel("身份证号", { exact: true })).toHaveValue("");
  await staff.getByRole("button", { name: "查看完整号码" }).click();
  await expect(staff.getByText("您没有权限执行此操作")).toBeVisible();
  await expect(staff.getByTestId("id-number")).toHaveText("110105********002X");
  const personUrl = staff.url();
  await shot(staff, "people-person-375");
  await staff.close();

  const admin = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await new LoginPage(admin).loginAsStaff("admin");
  await new BackOffice(admin).open(personUrl);
  await admin.getByRole("button", { name: "查看完整号码" }).click();
  await expect(admin.getByTestId("id-number")).toHaveText(id);
  await admin.goto("/admin/audit");
  await expect(admin.getByText("person.id_reveal").first()).toBeVisible();
  await admin.close();
});

test("parking spaces are created in a run, and an administrator issues and revokes an API key", async ({ browser }) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await new LoginPage(page).loginAsStaff("admin");
  const office = new BackOffice(page);
  await office.open("/admin/parking");
  await expect(page.getByRole("cell", { name: "B1-001" })).toBeVisible();
  const prefix = "T" + Math.floor(Math.random() * 1e5) + "-";
  await page.getByText("批量新建车位").click();
  await page.locator("#f-space-community").selectOption({ label: "云栖府" });
  await page.getByLabel("编号前缀").fill(prefix);
  await page.getByLabel("结束号").fill("20");
  await page.getByRole("button", { name: "生成" }).click();
  await expect(page.getByText("已新建 20 个车位")).toBeVisible();
  await page.getByRole("searchbox").fill(prefix);
  await page.getByRole("searchbox").press("Enter");
  await expect(page.getByRole("cell", { name: `${prefix}020` })).toBeVisible();
  await shot(page, "parking-1280");

  await office.open("/admin/keys");
  await page.getByText("新建密钥").click();
  await page.getByLabel("名称").fill("停车场系统");
  await page.locator("#f-key-role").selectOption("project_manager");
  await page.locator("#f-key-org").selectOption({ label: "　　　桂花苑" });
  await page.getByRole("button", { name: "创建" }).click();
  const key = (await page.getByTestId("new-key").textContent())!.trim();
  expect(key).toMatch(/^lk_/);
  // The key reads office 桂花苑's records through the API, and nothing of 云栖府.
  const r = await page.request.get("/api/v1/persons?q=13800000001", { headers: { Authorization: `Bearer ${key}` } });
  expect(r.status()).toBe(200);
  expect((await r.json()).items.length).toBe(1);
  const b = await page.request.get("/api/v1/parking-spaces?q=P-", { headers: { Authorization: `Bearer ${key}` } });
  expect((await b.json()).items).toEqual([]);
  await shot(page, "keys-1280");
  await page.locator("tr", { hasText: "停车场系统" }).first().getByRole("button", { name: "吊销" }).click();
  await expect(page.getByText("密钥已吊销")).toBeVisible();
  const after = await page.request.get("/api/v1/persons", { headers: { Authorization: `Bearer ${key}` } });
  expect(after.status()).toBe(401);
  await page.close();
});

test("staff correct a unit's areas and record a handover inspection (375 px)", async ({ browser }) => {
  const staff = await browser.newPage({ viewport: { width: 375, height: 900 } });
  await new LoginPage(staff).loginAsStaff("pm.ghy");
  await new BackOffice(staff).open("/admin/units");
  await staff.getByRole("searchbox").fill("5-2-1502");
  await staff.getByRole("searchbox").press("Enter");
  await staff.getByRole("link", { name: "5-2-1502" }).click();
  await expect(staff.getByRole("heading", { name: "桂花苑 · 5-2-1502" })).toBeVisible();
  await hydrated(staff);
  await staff.getByText("编辑房屋").click();
  await staff.getByLabel("产权面积（不动产登记）").fill("88.8x");
  await staff.getByRole("button", { name: "保存" }).first().click();
  await expect(staff.getByText("面积须为正数，最多两位小数").first()).toBeVisible();
  await staff.getByLabel("产权面积（不动产登记）").fill("88.88");
  await staff.getByRole("button", { name: "保存" }).first().click();
  await expect(staff.getByText("88.88 ㎡")).toBeVisible();
  await expect(staff.locator(".facts").getByText("（不动产登记）")).toBeVisible();

  await staff.getByText("记录一次验收").click();
  await staff.getByLabel("地面", { exact: true }).uncheck();
  await staff.getByRole("textbox", { name: "地面 备注" }).fill("客厅地砖空鼓");
  await staff.getByRole("button", { name: "提交验收结果" }).click();
  await expect(staff.getByText("已记录，待整改后再次验收")).toBeVisible();
  await expect(staff.locator(".handover .badge", { hasText: "不合格" })).toBeVisible();
  await expect(staff.getByText("地面（客厅地砖空鼓）")).toBeVisible();
  await shot(staff, "handover-375");
  await staff.close();
});
