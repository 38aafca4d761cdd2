// Adds the CSRF token (the readable linli_csrf cookie) to every same-origin request that
// changes state, including Leptos server-function calls. The server refuses those without it.
(function () {
  var orig = window.fetch;
  function token() {
    var m = document.cookie.match(/(?:^|;\s*)linli_csrf=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  window.fetch = function (input, init) {
    init = init || {};
    var method = (init.method || (input && input.method) || "GET").toUpperCase();
    var url = typeof input === "string" ? input : (input && input.url) || "";
    var sameOrigin = url.indexOf("://") === -1 || url.indexOf(location.origin) === 0;
    if (sameOrigin && method !== "GET" && method !== "HEAD") {
      var h = new Headers(init.headers || (input && input.headers) || {});
      h.set("X-CSRF-Token", token());
      init.headers = h;
    }
    return orig.call(this, input, init);
  };
})();
