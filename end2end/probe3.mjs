import { chromium } from "@playwright/test";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic"] });
const ctx = await b.newContext({ locale: "zh-CN", viewport: { width: 1280, height: 900 }, baseURL: "http://127.0.0.1:3300" });
const p = await ctx.newPage();
p.on("console", (m) => { if (!m.text().includes("outside a reactive tracking")) console.log("console:", m.type(), m.text().slice(0, 3000)); });
p.on("pageerror", (e) => console.log("pageerror:", e.message.slice(0, 3000)));
const hyd = async () => { try { await p.waitForFunction(() => document.body.hasAttribute("data-hydrated"), null, { timeout: 15000 }); console.log("hydrated", p.url()); } catch { console.log("NOT hydrated", p.url()); } };
await p.goto("/login"); await hyd();
await p.getByLabel(/手机号或账号/).fill(process.argv[2] || "admin");
await p.getByLabel(/^密码$/).fill(process.env.PW || "linli-demo");
await p.getByRole("button", { name: /^登录$/ }).click();
await p.waitForTimeout(1500);
p.on("request", (r) => { if (r.method() === "POST") console.log("POST", r.url()); });
p.on("response", async (r) => { if (r.request().method() === "POST") { try { console.log("RESP", r.status(), (await r.text()).slice(0, 300)); } catch {} } });
for (const path of (process.argv[3] || "/admin/parking").split(",")) { await p.goto(path); await hyd(); }
await b.close();
