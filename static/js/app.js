// stetapp behaviour, kept out of the HTML so the Content-Security-Policy needs no
// 'unsafe-inline'. Forms with data-confirm ask before they submit.
document.addEventListener("submit", function (event) {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
// htmx sends the CSRF token that Django puts in the page.
document.addEventListener("htmx:configRequest", function (event) {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) {
    event.detail.headers["X-CSRFToken"] = token.value;
  }
});
// The attendance sheet: when a tap could not be saved (server refused it, or no
// connection), say so in the sheet's alert region instead of failing silently.
function stetappAttendanceError(event) {
  const source = event.detail && event.detail.elt;
  const sheet = source && source.closest ? source.closest("[data-attendance-sheet]") : null;
  const region = sheet ? sheet.querySelector("#attendance-error") : null;
  if (region) {
    region.textContent = sheet.getAttribute("data-error-message") || "";
  }
}
document.addEventListener("htmx:responseError", stetappAttendanceError);
document.addEventListener("htmx:sendError", stetappAttendanceError);
document.addEventListener("htmx:afterRequest", function (event) {
  const region = document.querySelector("[data-attendance-sheet] #attendance-error");
  if (region && event.detail.successful) {
    region.textContent = "";
  }
});
// Fields shown only for some values of another field (data-show-when-field names it,
// data-show-when lists the values), e.g. "Looking back" on the idea form while the status
// is done or looked back on. Without JavaScript the field is always there; a field that
// already holds text or an error stays visible.
(function () {
  function setUp() {
    document.querySelectorAll("[data-show-when-field]").forEach(function (field) {
      const source = field.form && field.form.elements[field.getAttribute("data-show-when-field")];
      if (!source) {
        return;
      }
      const wanted = field.getAttribute("data-show-when").split(" ");
      const wrapper = field.closest(".mb-3") || field;
      const update = function () {
        const keep = field.value.trim() !== "" || field.classList.contains("is-invalid");
        wrapper.hidden = !keep && wanted.indexOf(source.value) === -1;
      };
      update();
      source.addEventListener("change", update);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
// htmx copies the old element's class and style to a swapped-in element with the same id
// and then settles them; writing a style attribute is refused by our strict CSP (and the
// browser may put an empty one on form fields). None of our elements has a style, so
// settle only the class.
if (window.htmx) {
  window.htmx.config.attributesToSettle = ["class", "width", "height"];
}
// The error summary at the top of a page whose form failed to save
// (templates/partials/error_summary.html): focused when the page loads, so it is seen and
// read out first; a link in it unfolds the folded row that holds the field (a <details>)
// and focuses the field, with its label in view.
(function () {
  function goTo(link, event) {
    const target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) {
      return;
    }
    event.preventDefault();
    let fold = target.closest("details");
    while (fold) {
      fold.open = true;
      fold = fold.parentElement ? fold.parentElement.closest("details") : null;
    }
    const label = target.id ? document.querySelector('label[for="' + target.id + '"]') : null;
    (label || target).scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  }
  function setUp() {
    const summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.addEventListener("click", function (event) {
      const link = event.target.closest && event.target.closest('a[href^="#"]');
      if (link) {
        goTo(link, event);
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
