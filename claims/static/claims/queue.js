// The reviewer's queue on the annotation page: once their review is done, a link to the
// oldest article still assigned to them (through the assignments API), or word that none is.
import { element } from "./dom.js";
import { api } from "./state.js";

export async function showNextAssigned(done) {
  const slot = document.getElementById("next-assigned");
  slot.replaceChildren();
  if (!done) return;
  try {
    const { results } = await api.get(slot.dataset.url);
    if (!results.length) {
      slot.textContent = "Nothing else is assigned to you.";
      return;
    }
    const [next] = results;
    const href = slot.dataset.articleUrl.replace("/0/", `/${next.article}/`);
    slot.append(element("a", { href, className: "button", textContent: "Next article assigned to me" }));
    slot.append(` ${next.article_title}`);
  } catch (error) {
    slot.textContent = `Your next assignment could not be looked up: ${error.message}`;
  }
}
