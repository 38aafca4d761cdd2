// A stand-in for Stripe in end-to-end runs: this machine cannot reach api.stripe.com. It
// answers the three API calls Linli makes (Checkout Sessions, refunds, the event list) with
// objects shaped like Stripe's, serves a hosted "checkout page" with a Pay button, and on Pay
// delivers a `checkout.session.completed` webhook signed as Stripe signs them
// (HMAC-SHA256 over `${t}.${body}` with the endpoint secret) before sending the browser back.
//
// Usage: node fake-stripe.mjs <port> <linli base url> <webhook secret>
import { createHmac } from "node:crypto";
import { createServer } from "node:http";

const [port, app, secret] = process.argv.slice(2);
const sessions = new Map();
let n = 0;

const now = () => Math.floor(Date.now() / 1000);

function body(req) {
  return new Promise((resolve) => {
    let b = "";
    req.on("data", (c) => (b += c));
    req.on("end", () => resolve(b));
  });
}

function json(res, status, v) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(v));
}

function session(s, paid) {
  return {
    id: s.id, object: "checkout.session", created: s.created, expires_at: s.expires_at, livemode: false,
    mode: "payment", payment_status: paid ? "paid" : "unpaid", status: paid ? "complete" : "open",
    payment_method_types: ["card"], shipping_options: [], custom_fields: [], custom_text: {},
    automatic_tax: { enabled: false }, url: `http://127.0.0.1:${port}/c/pay/${s.id}`,
    client_reference_id: s.checkout, metadata: { linli_checkout: s.checkout }, currency: "cny",
    amount_total: s.amount, payment_intent: paid ? `pi_e2e_${s.id}` : null,
  };
}

const escape = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

createServer(async (req, res) => {
  const url = new URL(req.url, `http://127.0.0.1:${port}`);
  if (req.method === "POST" && url.pathname === "/v1/checkout/sessions") {
    const f = new URLSearchParams(await body(req));
    let amount = 0;
    for (const [k, v] of f) if (k.endsWith("[price_data][unit_amount]")) amount += Number(v);
    const s = {
      id: `cs_test_e2e_${++n}`, created: now(), expires_at: Number(f.get("expires_at")), amount,
      checkout: f.get("metadata[linli_checkout]"), success: f.get("success_url"), cancel: f.get("cancel_url"),
      key: req.headers["idempotency-key"],
    };
    sessions.set(s.id, s);
    return json(res, 200, session(s, false));
  }
  if (req.method === "POST" && url.pathname === "/v1/refunds") {
    const f = new URLSearchParams(await body(req));
    return json(res, 200, {
      id: `re_e2e_${++n}`, object: "refund", amount: Number(f.get("amount")), created: now(), currency: "cny",
      payment_intent: f.get("payment_intent"), status: "succeeded", metadata: { linli_refund: f.get("metadata[linli_refund]") },
    });
  }
  if (req.method === "GET" && url.pathname === "/v1/events") {
    return json(res, 200, { object: "list", url: "/v1/events", has_more: false, data: [] });
  }
  const m = url.pathname.match(/^\/c\/pay\/([\w]+)$/);
  const s = m && sessions.get(m[1]);
  if (s && req.method === "GET") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    return res.end(`<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width">
<title>Stripe test checkout (stand-in)</title></head><body style="font-family:sans-serif;padding:16px">
<h1>Test checkout</h1><p>Amount: <strong data-testid="stripe-amount">¥${(s.amount / 100).toFixed(2)}</strong></p>
<form method="post"><button type="submit" style="font-size:18px;padding:12px 24px">Pay</button></form>
<p><a href="${escape(s.cancel)}">Cancel</a></p></body></html>`);
  }
  if (s && req.method === "POST") {
    const event = JSON.stringify({
      id: `evt_e2e_${++n}`, object: "event", api_version: null, created: now(), livemode: false, pending_webhooks: 1,
      request: { id: null, idempotency_key: null }, type: "checkout.session.completed",
      data: { object: session(s, true) },
    });
    const t = now();
    const sig = createHmac("sha256", secret).update(`${t}.${event}`).digest("hex");
    const r = await fetch(`${app}/webhooks/stripe`, {
      method: "POST", headers: { "content-type": "application/json", "stripe-signature": `t=${t},v1=${sig}` }, body: event,
    });
    if (!r.ok) {
      res.writeHead(502, { "content-type": "text/plain" });
      return res.end(`webhook refused: ${r.status} ${await r.text()}`);
    }
    res.writeHead(303, { location: s.success });
    return res.end();
  }
  res.writeHead(404);
  res.end();
}).listen(Number(port), "127.0.0.1");
