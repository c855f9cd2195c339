// When an in-place action (htmx) fails on the server or cannot reach it, say so beside it.
// htmx leaves the form as it was, so what the reader typed is still there to send again.
(function () {
  "use strict";

  function say(event, message) {
    var origin = event.detail.elt;
    var place = (origin && origin.closest("form, #results, main")) || document.querySelector("main");
    var note = document.getElementById("request-error");
    if (!note) {
      note = document.createElement("div");
      note.id = "request-error";
      note.className = "error-summary";
      note.setAttribute("role", "alert");
    }
    note.textContent = message;
    place.prepend(note);
  }

  // Why the server refused (the 403 page's lead: "This needs the editor role in this register.").
  function refusal(xhr) {
    var page = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    var lead = page.querySelector("main .lead");
    var said = lead ? lead.textContent.trim() : "";
    return said || "Your account may not do that.";
  }

  // A form sent back with its errors (400) or a conflict (409) is swapped in, as configured
  // in base.html; a refusal (403) or a busy database (503) is said beside the form below.
  // With DEBUG on, django-htmx's helper (listening on the document) would put the response
  // in place of the whole page, as if it were one of Django's error pages, and lose what was
  // typed: stop the event at the root element first, which leaves htmx's own handling as it
  // is (a 500 still shows Django's page there).
  document.documentElement.addEventListener("htmx:beforeOnLoad", function (event) {
    var status = event.detail.xhr.status;
    if ([400, 403, 409, 503].indexOf(status) !== -1) event.stopPropagation();
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var note = document.getElementById("request-error");
    if (note) note.remove();
  });
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    if (status === 503) {
      say(event, "The register is busy, or cannot reach its database just now: nothing was saved. " +
        "Try again in a moment; what you typed is still here.");
    } else if (status === 403) {
      say(event, refusal(event.detail.xhr) + " Nothing was saved; what you typed is still here.");
    } else {
      say(event, "Something went wrong (error " + status + "): nothing was saved. Try again; " +
        "what you typed is still here.");
    }
  });
  // The same entry can be offered twice on one page (a link's row and its "Cite this"):
  // once it is added through one, the other says so too rather than offer it again.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches("form.add-reference") || event.detail.xhr.status !== 200) return;
    var entry = form.getAttribute("data-entry");
    document.querySelectorAll("form.add-reference").forEach(function (twin) {
      if (twin === form || twin.getAttribute("data-entry") !== entry) return;
      var note = document.createElement("p");
      note.className = "added small";
      note.textContent = "In your reference list.";
      twin.replaceWith(note);
    });
  });
  document.addEventListener("htmx:sendError", function (event) {
    say(event, "Weave could not be reached: nothing was saved. Check the connection and try again; " +
      "what you typed is still here.");
  });

  // Where focus goes after an in-place swap took away the element that had it (a page of
  // results, a row retired, "Add to my list"): htmx keeps it on an element with the same id
  // and moves it to one marked autofocus; otherwise to the first field the reader must
  // correct, else to the message the swap brought (made focusable for it), so that a
  // keyboard user is never sent back to the top of the page.
  // (Only then: a swap the reader did not ask for, a progress line, leaves focus alone.)
  var swappedIn = [], hadFocus = false;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var active = document.activeElement, target = event.detail.target;
    swappedIn = [];
    hadFocus = Boolean(active && active !== document.body && target && target.contains(active));
  });
  document.addEventListener("htmx:load", function (event) { swappedIn.push(event.detail.elt); });
  document.addEventListener("htmx:afterSettle", function () {
    var fresh = swappedIn.filter(function (element) { return element.isConnected; });
    var lost = hadFocus;
    swappedIn = [];
    hadFocus = false;
    var active = document.activeElement;
    if (!lost || (active && active !== document.body && active.isConnected)) return;
    focusFirst(fresh, ['[aria-invalid="true"]', '[role="alert"]', '[role="status"]',
                       '[data-announce]']);
  });

  // A field named in the list of what to put right: its link takes focus there.
  document.addEventListener("click", function (event) {
    var named = event.target.closest && event.target.closest(".errors-listed a[href^='#']");
    var field = named && document.getElementById(named.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.focus();
  });

  // Escape in a row being edited in place puts it back, as its Cancel link does (and the
  // focus with it, on the button that opened the form); in the form to add a link that
  // opened in place, it closes the form, as its Close link does.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) return;
    var row = event.target.closest("tr.editing, #add-link");
    var cancel = row && row.querySelector("[data-cancel]");
    if (cancel) {
      event.preventDefault();
      // Asked of htmx directly: a click could come before htmx has taken up a form just
      // swapped in, and would then leave the page.
      htmx.ajax("GET", cancel.getAttribute("hx-get"), { source: cancel, target: row, swap: "outerHTML" });
    }
  });

  // A page that comes back with errors (a form sent without htmx) starts at the list of
  // them where there are two or more, else at the one.
  // A refusal with no field of its own ("Choose at least one link.") is where focus starts;
  // else what the last action made, shown only this once (a token, invitation links), or
  // what it said ("Approved 1 link.", "Could not revert: …"), which a screen reader does
  // not read by itself from a page as it loads.
  document.addEventListener("DOMContentLoaded", function () {
    // The list of what to put right comes before any field a form puts in focus itself.
    if (focusFirst([document.body], ["main .errors-listed"])) return;
    if (!document.querySelector("[autofocus]")) {
      focusFirst([document.body], ["main .errors-listed", 'main [aria-invalid="true"]',
                                   'main .field-error[role="alert"]',
                                   'main .error-summary[role="alert"]', "main .notice.made",
                                   "main #messages"]);
    }
  });

  // What an in-place update says (how many results, the cell chosen) is read out from one
  // live region that stays on the page (base.html): a region swapped in with its words
  // already in it is often not read at all. What a page says as it loads is not repeated.
  function announce() {
    var fresh = document.querySelectorAll("[data-announce]:not([data-announced])");
    var announcer = document.getElementById("announcer");
    if (!fresh.length || !announcer) return;
    fresh.forEach(function (said) { said.setAttribute("data-announced", ""); });
    var last = fresh[fresh.length - 1];
    // Where the focus went to it (a page of results), it is read out as focused: not twice.
    if (last.contains(document.activeElement)) return;
    var words = last.textContent.replace(/\s+/g, " ").trim();
    announcer.textContent = "";
    setTimeout(function () { announcer.textContent = words; }, 50);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-announce]").forEach(function (said) {
      said.setAttribute("data-announced", "");
    });
  });
  document.addEventListener("htmx:afterSettle", announce);
  // A form opened as a page of its own, saved in place: the address is the link's again
  // (HX-Replace-Url), and so is the tab's title.
  document.addEventListener("weaveTitle", function (event) {
    if (event.detail && typeof event.detail.value === "string") document.title = event.detail.value;
  });

  // A table's box that scrolls sideways is a Tab stop (so it scrolls by keyboard); one
  // whose table fits is not an empty stop on the way.
  // Either box, wider than the screen, says so above what it hides ("scrolls").
  function scrollStops() {
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("tabindex", "0");
      else if (box !== document.activeElement) box.removeAttribute("tabindex");
    });
    document.querySelectorAll(".table-scroll, .matrix-scroll").forEach(function (box) {
      box.classList.toggle("scrolls", box.scrollWidth > box.clientWidth + 1);
    });
    // The matrix's box has a height of its own, and says when it hides rows below.
    document.querySelectorAll(".matrix-scroll").forEach(function (box) {
      box.classList.toggle("scrolls-down", box.scrollHeight > box.clientHeight + 1);
    });
  }
  document.addEventListener("DOMContentLoaded", scrollStops);
  document.addEventListener("htmx:afterSettle", scrollStops);
  window.addEventListener("resize", scrollStops);

  function focusFirst(places, selectors) {
    for (var s = 0; s < selectors.length; s++) {
      for (var p = 0; p < places.length; p++) {
        var place = places[p];
        var found = place.matches && place.matches(selectors[s]) ? place : place.querySelector(selectors[s]);
        if (found) {
          if (found.tabIndex < 0 && !found.hasAttribute("tabindex")) found.setAttribute("tabindex", "-1");
          found.focus();
          return true;
        }
      }
    }
    return false;
  }

  // The address it is already at (Enter after a search that ran as it was typed) replaces
  // the history entry instead of adding another, and so does typing on in a search already
  // shown, or changing again the filter just changed (a closed list stepped through with
  // the arrow keys, a date typed digit by digit): one Back press a view, not one a key.
  var lastPush = null;
  var AGAIN_MS = 3000;
  document.addEventListener("htmx:beforeHistoryUpdate", function (event) {
    var update = event.detail.history;
    if (update.type !== "push") return;
    var config = event.detail.requestConfig || {};
    var trigger = config.triggeringEvent;
    var typed = trigger && trigger.type === "input";
    var searching = new URLSearchParams(location.search).get("q");
    var control = trigger && trigger.type === "change" ? trigger.target : null;
    var again = control && lastPush && lastPush.control === control &&
      Date.now() - lastPush.at < AGAIN_MS;
    if (new URL(update.path, location.href).href === location.href || again ||
        (typed && searching && searching.trim())) {
      update.type = "replace";
    }
    lastPush = { control: control, at: Date.now() };
  });

  // On paper, the footer says where the page came from and when (base.html): the address as
  // it stands now, filters applied in place included, and today's date.
  window.addEventListener("beforeprint", function () {
    var note = document.querySelector("[data-printed-from]");
    if (!note) return;
    note.querySelector("[data-printed-address]").textContent = window.location.href;
    var day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric" });
    note.querySelector("[data-printed-on]").textContent = " on " + day.format(new Date());
  });
})();
