/* The idle-timeout warning (templates/base.html, #session-timeout): two minutes before a signed-in session ends, a
   modal dialog says so, with "Stay signed in" and "Sign out". The page says how long its session has left; every tab
   of the app shares the newest end in localStorage, so using one tab keeps the others from warning. When the time is
   up the page goes to the sign-in page, which says why. Without JavaScript the dialog never opens and nothing else
   changes: the session simply ends, and the sign-in page says so. */
const STORE = "app-session-ends-at";

function stored() {
  try {
    return Number(window.localStorage.getItem(STORE)) || 0;
  } catch {
    return 0; // storage switched off: this tab counts alone
  }
}

function store(endsAt) {
  try {
    window.localStorage.setItem(STORE, String(endsAt));
  } catch {
    /* storage switched off */
  }
}

export function initSessionTimeout(dialog = document.getElementById("session-timeout")) {
  if (!dialog || typeof dialog.showModal !== "function") return;
  const warnMs = Number(dialog.dataset.warn) * 1000;
  const countdown = dialog.querySelector("[data-countdown]");
  const stayForm = dialog.querySelector("form[data-stay]");
  let endsAt = Date.now() + Number(dialog.dataset.secondsLeft) * 1000;
  store(endsAt); // this page was just served: its end is the newest there is

  const words = (ms) => {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    if (seconds > 60) {
      const minutes = Math.ceil(seconds / 60);
      return dialog.dataset.minutes.replace("%(n)s", minutes);
    }
    if (seconds === 60) return dialog.dataset.oneMinute;
    return (seconds === 1 ? dialog.dataset.oneSecond : dialog.dataset.seconds).replace("%(n)s", seconds);
  };

  const signIn = () => {
    const here = window.location.pathname + window.location.search;
    window.location.assign(`${dialog.dataset.signIn}?next=${encodeURIComponent(here)}`);
  };

  const tick = () => {
    endsAt = Math.max(endsAt, stored()); // another tab may have pushed the end back
    const left = endsAt - Date.now();
    if (left <= -1000) {
      // A second past the end, so the session has surely gone: the sign-in page says what happened.
      window.clearInterval(timer);
      signIn();
      return;
    }
    if (left <= warnMs) {
      countdown.textContent = words(left);
      if (!dialog.open) dialog.showModal(); // focus moves to "Stay signed in"; the dialog's text is read out
    } else if (dialog.open) {
      dialog.close();
    }
  };

  const stay = async () => {
    try {
      const response = await fetch(stayForm.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(stayForm)), // a plain form body: the app refuses multipart ones
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.status === 401) {
        signIn();
        return;
      }
      if (!response.ok) return; // the dialog stays open: the person can try again
      const { seconds_left: secondsLeft } = await response.json();
      endsAt = Date.now() + secondsLeft * 1000;
      store(endsAt);
      dialog.close();
    } catch {
      /* offline for a moment: the dialog stays open, and the button can be pressed again */
    }
  };

  stayForm.addEventListener("submit", (event) => {
    event.preventDefault();
    stay();
  });
  // Escape means "not now", as in GOV.UK's timeout warning: it keeps the person signed in.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay();
  });
  window.addEventListener("storage", (event) => {
    if (event.key === STORE) tick();
  });
  const timer = window.setInterval(tick, 1000);
  tick();
}
