/* Runs first thing in <body>, before anything is drawn: the design system's styles for enhanced components
   (the header's "More" menu, the character count) apply only once the body says its scripts can run. This is
   NHS.UK frontend's own inline snippet, as a file, because our Content-Security-Policy allows no inline script. */
document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("nhsuk-frontend-supported");
}
