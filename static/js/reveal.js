/* A conditional reveal for more than one answer (templates/nhsuk/radios.html, `reveal`): "what got in the way" of a
   move shows only while "Not yet" or "I have dropped it" is chosen. NHS.UK frontend's radios reveal a block under
   one answer each; this block belongs to two. Without JavaScript the block is always shown, and the form ignores it
   under any other answer. */
export function initReveals(root = document) {
  root.querySelectorAll("[data-reveal-for][data-reveal-name]").forEach((block) => {
    const values = block.dataset.revealFor.split(" ");
    const radios = Array.from(root.querySelectorAll('input[type="radio"]')).filter(
      (radio) => radio.name === block.dataset.revealName,
    );
    const sync = () => {
      const shown = radios.some((radio) => radio.checked && values.includes(radio.value));
      block.classList.toggle("nhsuk-radios__conditional--hidden", !shown);
    };
    radios.forEach((radio) => radio.addEventListener("change", sync));
    sync();
  });
}
