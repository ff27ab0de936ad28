// joinedup's only script of its own: turn on GOV.UK Frontend's components (no inline script,
// so the Content-Security-Policy needs no 'unsafe-inline').
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// HTMX requests carry the session's CSRF token as a header (the page's meta tag)
document.body.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token) event.detail.headers["X-CSRF-Token"] = token.content;
});
