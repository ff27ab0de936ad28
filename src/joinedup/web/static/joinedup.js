// joinedup's only script of its own: turn on GOV.UK Frontend's components (no inline script,
// so the Content-Security-Policy needs no 'unsafe-inline').
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
