/* bmtrack: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // htmx requests carry the CSRF token from the page (the cookie is HttpOnly).
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
  });

  // A session that timed out answers an htmx request with the sign-in page: go there instead.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.responseURL && xhr.responseURL.indexOf("/accounts/login/") !== -1) {
      event.detail.shouldSwap = false;
      window.location.href = xhr.responseURL;
    }
  });

  // A refused or failed request says so where the nurse is working, instead of doing nothing.
  document.addEventListener("htmx:responseError", function (event) {
    var target = event.detail.target;
    if (!target || !target.insertAdjacentHTML) { return; }
    var old = target.querySelector(":scope > .row-error-message");
    if (old) { old.remove(); }
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var text = status === 403 ? "You may not do this, or the page has expired: reload and try again."
      : status === 404 ? "This patient or item is not available to you any more."
      : "That did not work (error " + status + "). Nothing was changed; reload and try again.";
    target.insertAdjacentHTML("afterbegin", '<p class="row-error-message" role="alert"></p>');
    target.querySelector(":scope > .row-error-message").textContent = text;
  });

  // Show a field only when it applies: data-show-when="outcome=booked" or "kind=srs,fsrs,wbrt".
  function applyConditions(root) {
    var scope = root && root.querySelectorAll ? root : document;
    scope.querySelectorAll("[data-show-when]").forEach(function (element) {
      var form = element.closest("form");
      if (!form) { return; }
      var spec = element.getAttribute("data-show-when").split("=");
      var wanted = spec[1].split(",");
      var current = [];
      form.querySelectorAll('[name="' + spec[0] + '"]').forEach(function (input) {
        if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
        current.push(input.value);
      });
      element.hidden = !current.some(function (value) { return wanted.indexOf(value) !== -1; });
    });
  }

  // "Gone" disables the diameters of its row.
  function applyGone(root) {
    var scope = root && root.querySelectorAll ? root : document;
    scope.querySelectorAll('input[type="checkbox"][name$="-disappeared"]').forEach(function (box) {
      var row = box.closest("tr");
      if (!row) { return; }
      row.querySelectorAll('input[name$="-longest_diameter_mm"], input[name$="-perpendicular_mm"]').forEach(function (input) {
        input.disabled = box.checked;
        if (box.checked) { input.value = ""; }
      });
    });
  }

  // The reader's new-lesion call is asked as soon as a lesion absent at the baseline MRI is
  // measured (record.md 5). The server decides; this only shows the question in time.
  function applyNewLesionCall() {
    document.querySelectorAll("[data-new-lesion-call]").forEach(function (box) {
      var form = box.closest("form");
      if (!form) { return; }
      var baseline = (box.getAttribute("data-baseline-labels") || "").toUpperCase().split(" ");
      var needed = false;
      if (box.getAttribute("data-has-baseline") === "1") {
        form.querySelectorAll('input[name$="-label"]').forEach(function (input) {
          var label = input.value.trim().toUpperCase();
          var row = input.closest("tr");
          var diameter = row && row.querySelector('input[name$="-longest_diameter_mm"]');
          if (label && baseline.indexOf(label) === -1 && diameter && diameter.value.trim() !== "") { needed = true; }
        });
      }
      var select = box.querySelector("select");
      if (select) { select.required = needed; }
      box.hidden = !(needed || (select && select.value) || box.querySelector(".field-error"));
    });
  }

  function enhance(root) { applyConditions(root); applyGone(root); applyNewLesionCall(); }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("change", function (event) {
    if (event.target.form) { enhance(event.target.form); }
  });
  document.addEventListener("input", function (event) {
    if (event.target.form) { applyNewLesionCall(); }
  });
  document.addEventListener("htmx:load", function (event) {
    enhance(event.detail.elt);
    var elt = event.detail.elt;
    var focus = elt.querySelector && elt.querySelector("[data-autofocus]");
    if (focus) { focus.focus(); return; }
    // An action panel's form, fetched on its first open: land in its first field.
    if (elt.matches && elt.matches("form.panel") && elt.closest("details.action[open]")) {
      var field = elt.querySelector("input:not([type=hidden]), select, textarea");
      if (field) { field.focus(); }
    }
  });

  // Add a lesion row from the <template>, numbering it after the last one.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-row]");
    if (!button) { return; }
    var prefix = button.getAttribute("data-add-row");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-row-template");
    var body = document.getElementById(prefix + "-rows");
    if (!total || !template || !body) { return; }
    var index = parseInt(total.value, 10);
    body.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
    total.value = String(index + 1);
    var label = body.lastElementChild && body.lastElementChild.querySelector('input[name$="-label"]');
    if (label) { label.focus(); }
  });

  // One action panel open per row; Escape closes it and returns focus to its button.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.matches || !details.matches("details.action") || !details.open) { return; }
    var row = details.closest(".cell-actions");
    if (row) {
      row.querySelectorAll("details.action[open]").forEach(function (other) {
        if (other !== details) { other.open = false; }
      });
    }
    var first = details.querySelector("input:not([type=hidden]), select, textarea");
    if (first) { first.focus(); }
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = event.target.closest && event.target.closest("details[open]");
    if (open) {
      open.open = false;
      var summary = open.querySelector("summary");
      if (summary) { summary.focus(); }
    }
  });

  // A form came back with errors: its summary is focused (read first by a screen reader), and each
  // link goes to its input and puts the cursor there (an anchor alone only scrolls).
  function focusErrorSummary(root) {
    var summary = (root && root.querySelector ? root : document).querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusErrorSummary(document); });
  document.addEventListener("htmx:afterSwap", function (event) { focusErrorSummary(event.detail.target); });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[data-focus]");
    if (!link) { return; }
    var input = document.getElementById(link.getAttribute("data-focus"));
    if (!input) { return; }
    event.preventDefault();
    var closed = input.closest("details:not([open])");
    if (closed) { closed.open = true; }
    input.scrollIntoView({block: "center"});
    input.focus();
  });

  // A native date or time picker shows the browser's own format (12/04/2026, 04:01 PM): beside it, the
  // value in bmtrack's one format ("4 Dec 2026", "4 Dec 2026, 16:01"), as bmtrack.core.formatting writes it.
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function plainDate(value) {
    var time = /^(\d{2}):(\d{2})/.exec(value || "");  // a time picker's value: 24-hour, as written
    if (time) { return time[1] + ":" + time[2]; }
    var match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(value || "");
    if (!match) { return ""; }
    var text = parseInt(match[3], 10) + " " + MONTHS[parseInt(match[2], 10) - 1] + " " + match[1];
    return match[4] ? text + ", " + match[4] + ":" + match[5] : text;
  }
  function echoDates(root) {
    var scope = root && root.querySelectorAll ? root : document;
    scope.querySelectorAll('input[type="date"], input[type="datetime-local"], input[type="time"]').forEach(function (input) {
      var echo = input.nextElementSibling;
      if (!echo || !echo.classList.contains("date-echo")) {
        echo = document.createElement("span");
        echo.className = "date-echo";
        echo.setAttribute("data-echo-for", input.id || "");
        input.insertAdjacentElement("afterend", echo);
        input.addEventListener("input", function () { echo.textContent = plainDate(input.value); });
        input.addEventListener("change", function () { echo.textContent = plainDate(input.value); });
      }
      echo.textContent = plainDate(input.value);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { echoDates(document); });
  document.addEventListener("htmx:afterSwap", function (event) { echoDates(event.detail.target); });
  // An outerHTML swap (an action panel, a re-rendered row) replaces the target: echo in the new content.
  document.addEventListener("htmx:load", function (event) { echoDates(event.detail.elt); });
})();
