/* Feedback while saving and focus after it (issue #17, point 12). A file, not inline: the CSP allows script-src 'self' only.
 *
 * - While an htmx request runs, its form is busy: its buttons are disabled (no second press), the
 *   target carries aria-busy and the form the class htmx-request, which overgang.css shows as progress.
 * - After htmx has swapped the answer in, focus goes to what changed: the first field refused, else
 *   the message of the swapped part (role=status or alert), else the swapped part itself; the message
 *   is read out through the page's live region (#announcer).
 * - A form posted the ordinary way can be sent once; after the redirect, focus goes to the message.
 */
(function () {
  "use strict";

  function announce(text) {
    const announcer = document.getElementById("announcer");
    if (!announcer || !text) return;
    announcer.textContent = "";
    // A new text node in a live region that already exists is what screen readers read out.
    window.setTimeout(function () { announcer.textContent = text.trim(); }, 50);
  }

  function focusOn(element) {
    if (!element) return;
    if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus({ preventScroll: false });
  }

  function buttonsOf(element) {
    const form = element.closest("form") || element;
    return Array.from(form.querySelectorAll("button, input[type=submit]"));
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    const element = event.detail.elt;
    if (!element || event.detail.requestConfig.verb === "get") return;
    buttonsOf(element).forEach(function (button) { button.disabled = true; });
    if (event.detail.target) event.detail.target.setAttribute("aria-busy", "true");
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    const element = event.detail.elt;
    if (element && element.isConnected) {
      buttonsOf(element).forEach(function (button) { button.disabled = false; });
    }
    if (event.detail.target) event.detail.target.removeAttribute("aria-busy");
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    const config = event.detail.requestConfig || {};
    let target = event.detail.target;
    // An outerHTML swap replaces the target itself: what changed is its successor of the same id.
    if (target && !target.isConnected && target.id) target = document.getElementById(target.id);
    if (!target) return;
    if (config.verb === "get") {
      // A form fetched on a click: its first field. A part that loads by itself keeps focus where it is.
      const clicked = config.triggeringEvent && config.triggeringEvent.type === "click";
      if (clicked) focusOn(target.querySelector("input:not([type=hidden]), select, textarea") || target);
      return;
    }
    const refused = target.querySelector("[aria-invalid=true]");
    const message = target.querySelector("[role=status], [role=alert]");
    if (message) announce(message.textContent);
    focusOn(refused || message || target);
  });

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (event.defaultPrevented || form.hasAttribute("hx-post") || form.method.toLowerCase() !== "post") return;
    if (form.dataset.sending === "yes") {
      event.preventDefault();  // pressed twice: the first press is on its way
      return;
    }
    form.dataset.sending = "yes";
    form.setAttribute("aria-busy", "true");
    // Disabled after the submit event, so the pressed button's name and value are still sent.
    window.setTimeout(function () { buttonsOf(form).forEach(function (button) { button.disabled = true; }); }, 0);
  });

  // Back to a page from the browser's cache: its forms can be sent again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending=yes]").forEach(function (form) {
      delete form.dataset.sending;
      form.removeAttribute("aria-busy");
      buttonsOf(form).forEach(function (button) { button.disabled = false; });
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    const messages = document.querySelector("main .messages");
    if (messages) focusOn(messages);
  });
})();
