// The annotation page's layout: the sticky tools bar's height, which the article scrolls clear
// of (j/k never park a sentence under it, nor under the status line at the bottom), and the
// annotation panel, which on a narrow screen is a drawer opened from the tools bar.
import { $ } from "./dom.js";

export function setUpLayout() {
  const tools = $("tools");
  const root = document.documentElement;
  const measure = () => root.style.setProperty("--tools-height", `${tools.offsetHeight}px`);
  new ResizeObserver(measure).observe(tools);
  measure();

  const toggle = $("panel-toggle");
  const panel = $("panel");
  const narrow = window.matchMedia("(max-width: 60rem)");
  const setOpen = (open) => {
    document.body.classList.toggle("panel-open", open);
    toggle.setAttribute("aria-expanded", String(open));
    // Closed on a narrow screen, the drawer is out of view: out of the tab order too.
    panel.inert = narrow.matches && !open;
  };
  toggle.addEventListener("click", () => setOpen(!document.body.classList.contains("panel-open")));
  $("panel-close").addEventListener("click", () => {
    setOpen(false);
    toggle.focus();
  });
  narrow.addEventListener("change", () => setOpen(false));
  setOpen(false);
}
