// Berth's few behaviours beyond htmx: dialogs, confirmations and the OAuth tab.
(function () {
  "use strict";
  var channel = "BroadcastChannel" in window ? new BroadcastChannel("berth-cloud-accounts") : null;

  document.addEventListener("click", function (e) {
    var opener = e.target.closest("[data-open-dialog]");
    if (opener) {
      document.getElementById(opener.dataset.openDialog).showModal();
      return;
    }
    var closer = e.target.closest("[data-close-dialog]");
    if (closer) {
      closer.closest("dialog").close();
      return;
    }
    var start = e.target.closest("[data-oauth-start]");
    if (start) {
      e.preventDefault();
      startOAuth(start.dataset.oauthStart);
    }
  });

  document.addEventListener("submit", function (e) {
    var msg = e.target.dataset && e.target.dataset.confirm;
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
    }
  });

  // startOAuth opens the consent page in a new tab, or in this tab when popups are blocked.
  function startOAuth(url) {
    clearFlash();
    var tab = window.open(url + (url.indexOf("?") < 0 ? "?" : "&") + "popup=1", "berth-oauth");
    if (!tab) {
      window.location.assign(url);
    }
  }

  function clearFlash() {
    var flash = document.getElementById("flash");
    if (flash) flash.replaceChildren();
  }

  function showProblem(title, detail) {
    var flash = document.getElementById("flash");
    if (!flash) return;
    var box = document.createElement("div");
    box.className = "problem";
    box.setAttribute("role", "alert");
    var strong = document.createElement("strong");
    strong.textContent = title;
    var p = document.createElement("p");
    p.textContent = detail;
    box.append(strong, p);
    flash.replaceChildren(box);
  }

  // The Cloud Accounts page hears from the OAuth tab and updates itself.
  if (channel) {
    channel.onmessage = function (e) {
      if (e.data.ok) {
        clearFlash();
      } else {
        showProblem(e.data.title, e.data.detail);
      }
      document.body.dispatchEvent(new Event("accounts-changed"));
    };
  }

  // A connection finished (or failed, with the problem shown on the page): the dialog is done.
  document.body.addEventListener("accounts-changed", function () {
    var dialog = document.getElementById("add-account");
    if (dialog && dialog.open) dialog.close();
  });

  // The OAuth tab reports how the flow ended, then closes itself on success.
  var done = document.getElementById("oauth-done");
  if (done) {
    var ok = done.dataset.ok === "true";
    if (channel) {
      channel.postMessage({ ok: ok, title: done.dataset.title, detail: done.dataset.detail });
    }
    if (ok) {
      window.close();
      // Still here (the browser refused to close a tab it did not open): go back to the list.
      setTimeout(function () { window.location.replace("/settings/cloud-accounts"); }, 1500);
    }
  }
})();
