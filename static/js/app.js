/* Starts NHS.UK frontend's components (header menu, error summary, character count, radios, checkboxes...), our
   conditional reveals and the idle-timeout warning. A module script, so it runs once the page is parsed; every page
   works without it. */
import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";
import { initReveals } from "./reveal.js";
import { initSessionTimeout } from "./session-timeout.js";

initAll();
initReveals();
initSessionTimeout();
