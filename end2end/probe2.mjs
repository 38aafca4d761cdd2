import { chromium } from "@playwright/test";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic"] });
const p = await b.newPage();
const r = await p.goto("http://127.0.0.1:3300/login");
console.log(r.status(), (await p.content()).slice(0, 300));
console.log(await p.getByRole("textbox").count());
await b.close();
