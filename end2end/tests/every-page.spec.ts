import { expect, Page, test } from "@playwright/test";
import { hydrated, LoginPage } from "./fixtures/pages";

/**
 * Every page a user can reach by links loads, hydrates and logs no error: a panic in the WASM
 * bundle (such as a clock call the browser does not have) leaves a page that looks right but
 * never reacts, and only the console tells. The crawl follows same-origin links from the
 * starting page, visiting one page per URL shape (ids replaced by `#`), so new pages are
 * covered as soon as a link leads to them.
 */

const SKIP = [/^\/logout/, /^\/api\//, /\.(xlsx|pdf|png|jpe?g|csv)(\?|$)/, /^\/files\//, /^\/i\//];

function shape(path: string): string {
  return path.replace(/\/\d+(?=\/|$|\?)/g, "/#").replace(/\?.*$/, "");
}

async function crawl(page: Page, start: string, within: (p: string) => boolean, limit: number) {
  const problems: string[] = [];
  let current = start;
  page.on("pageerror", (e) => problems.push(`${current}: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`${current}: console error: ${m.text()}`);
  });
  const queue = [start];
  const seen = new Set([shape(start)]);
  const visited: string[] = [];
  while (queue.length && visited.length < limit) {
    current = queue.shift()!;
    const res = await page.goto(current);
    expect(res?.status(), `${current} answers`).toBeLessThan(400);
    await hydrated(page);
    // Give effects that run after hydration (resources, timers) a moment to fail.
    await page.waitForTimeout(150);
    visited.push(current);
    const hrefs = await page.$$eval("a[href]", (as) => as.map((a) => a.getAttribute("href") ?? ""));
    for (const href of hrefs) {
      if (!href.startsWith("/") || href.startsWith("//")) continue;
      if (SKIP.some((r) => r.test(href)) || !within(href)) continue;
      const s = shape(href);
      if (seen.has(s)) continue;
      seen.add(s);
      queue.push(href);
    }
  }
  return { problems, visited };
}

test("every back-office page an administrator reaches loads and hydrates without an error", async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await new LoginPage(page).loginAsStaff("admin");
  const { problems, visited } = await crawl(page, "/admin", (p) => p.startsWith("/admin"), 120);
  expect(visited.length, visited.join("\n")).toBeGreaterThan(20);
  expect(visited).toContain("/admin/service/reports");
  expect(problems, problems.join("\n")).toEqual([]);
});

test("every page of the resident app loads and hydrates without an error", async ({ page }) => {
  test.setTimeout(120_000);
  // A resident no other test logs in as (others are throttled or change their password).
  await new LoginPage(page).loginAsResident("13800000030");
  const { problems, visited } = await crawl(page, "/", (p) => !p.startsWith("/admin"), 60);
  expect(visited.length, visited.join("\n")).toBeGreaterThan(5);
  expect(problems, problems.join("\n")).toEqual([]);
});

test("工单报表 opens from the sidebar and reacts", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await new LoginPage(page).loginAsStaff("admin");
  await page.goto("/admin/service");
  await hydrated(page);
  await page.getByRole("link", { name: "工单报表" }).first().click();
  await expect(page).toHaveURL(/\/admin\/service\/reports/);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
});
