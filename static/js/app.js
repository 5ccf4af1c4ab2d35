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
