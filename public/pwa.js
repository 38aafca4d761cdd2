// Installs the service worker, and turns on Web Push for this device when asked: a button with
// `data-push-enable="<VAPID public key, base64url>"` subscribes through the browser's
// PushManager and hands the subscription to Linli (POST /api/v1/me/devices, with the CSRF
// header csrf.js adds), then reloads so the device list shows it.
(function () {
  if (!("serviceWorker" in navigator)) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js").catch(function () {});
  });
  function key(b64) {
    var s = (b64 + "===".slice((b64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(s), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function status(btn, text) {
    var el = document.getElementById(btn.getAttribute("aria-describedby") || "");
    if (el) el.textContent = text;
  }
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("[data-push-enable]");
    if (!btn) return;
    ev.preventDefault();
    btn.disabled = true;
    if (!("PushManager" in window) || !("Notification" in window)) {
      status(btn, btn.getAttribute("data-msg-unsupported"));
      btn.disabled = false;
      return;
    }
    Notification.requestPermission()
      .then(function (perm) {
        if (perm !== "granted") throw new Error("denied");
        return navigator.serviceWorker.register("/sw.js").then(function () { return navigator.serviceWorker.ready; });
      })
      .then(function (reg) {
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(btn.getAttribute("data-push-enable")) });
      })
      .then(function (sub) {
        var j = sub.toJSON();
        var label = (navigator.userAgentData && navigator.userAgentData.platform) || navigator.platform || "";
        return fetch("/api/v1/me/devices", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ endpoint: j.endpoint, p256dh: j.keys.p256dh, auth: j.keys.auth, label: label + " · " + (navigator.userAgent.match(/(Edg|Chrome|Firefox|Safari)\/[\d.]+/) || [""])[0] }),
        });
      })
      .then(function (r) {
        if (!r.ok) throw new Error("save");
        location.reload();
      })
      .catch(function (e) {
        status(btn, btn.getAttribute(e && e.message === "denied" ? "data-msg-denied" : "data-msg-failed"));
        btn.disabled = false;
      });
  });
})();
