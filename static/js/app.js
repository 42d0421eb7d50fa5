/* Starts NHS.UK frontend's components (header menu, error summary, character count, radios, checkboxes...).
   A module script, so it runs once the page is parsed; every page works without it. */
import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";

initAll();
