// The editors' vocabulary page: every tag as a form saved through the REST API (PATCH
// /api/v1/tags/<slug>/), archive and restore, and a form that adds a tag (POST). The API
// checks every change (names, shortcuts, colour contrast); its messages show by their field.
import { Api } from "./api.js";
import { $ } from "./dom.js";
import { say } from "./status.js";

const data = JSON.parse($("vocabulary-data").textContent);
const api = new Api(data.csrf);
const FIELDS = ["name", "definition", "colour", "shortcut", "order"];
const stored = new Map(); // slug -> the tag as the API last answered

const tagUrl = (slug) => data.tag_url.replace("--slug--", encodeURIComponent(slug));

// A malformed change (400) comes back as {field: [messages]}; a refused one, the value taken by
// another tag (409) or a colour too dark to read text on (422), as {detail, code, field}.
function fieldMessages(body) {
  if (!body || typeof body !== "object") return {};
  if (typeof body.detail === "string") return body.field ? { [body.field]: [body.detail] } : {};
  return body;
}

function showErrors(form, error) {
  clearErrors(form);
  const shown = [];
  for (const [field, messages] of Object.entries(fieldMessages(error.body))) {
    const slot = form.querySelector(`[data-error-for="${field}"]`);
    if (!slot || !Array.isArray(messages)) continue;
    slot.textContent = messages.join(" ");
    slot.hidden = false;
    form.elements[field]?.setAttribute("aria-invalid", "true");
    shown.push(slot.textContent);
  }
  say(`Not saved: ${shown.length ? shown.join(" ") : error.message}`, "error");
}

function clearErrors(form) {
  for (const slot of form.querySelectorAll("[data-error-for]")) {
    slot.hidden = true;
    slot.textContent = "";
  }
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

function preview(form) {
  form.querySelector(".tag-preview").style.setProperty("--tag-colour", form.elements.colour.value);
}

function fill(form, tag) {
  for (const field of FIELDS) form.elements[field].value = tag[field];
  form.querySelector(".tag-name").textContent = tag.name;
  form.querySelector(".tag-slug").textContent = tag.slug;
  form.querySelector(".tag-state").textContent = tag.archived ? "(archived)" : "";
  form.querySelector(".archive").textContent = tag.archived ? "Restore" : "Archive";
  form.closest("li").classList.toggle("archived", tag.archived);
  preview(form);
}

function valuesOf(form) {
  const values = {};
  for (const field of FIELDS) values[field] = form.elements[field].value;
  values.name = values.name.trim();
  values.order = values.order === "" ? null : Number(values.order);
  return values;
}

async function save(form, changes, done) {
  const { slug } = form.dataset;
  try {
    const tag = await api.patch(tagUrl(slug), changes);
    stored.set(slug, tag);
    clearErrors(form);
    fill(form, tag);
    placeInOrder(form.closest("li"));
    say(done(tag));
  } catch (error) {
    showErrors(form, error);
  }
}

function onSave(event) {
  event.preventDefault();
  const form = event.target;
  const before = stored.get(form.dataset.slug);
  const values = valuesOf(form);
  const changes = Object.fromEntries(FIELDS.filter((f) => values[f] !== before[f]).map((f) => [f, values[f]]));
  if (!Object.keys(changes).length) return say(`Nothing changed in “${before.name}”.`);
  if (changes.order === null) delete changes.order;
  save(form, changes, (tag) => `Saved “${tag.name}”.`);
}

function onArchive(event) {
  const form = event.target.closest("form");
  const archived = !stored.get(form.dataset.slug).archived;
  save(form, { archived }, (tag) =>
    archived ? `“${tag.name}” is archived: offered for no new annotations.` : `“${tag.name}” is restored.`,
  );
}

function tagForm(tag) {
  const item = $("tag-form-template").content.firstElementChild.cloneNode(true);
  const form = item.querySelector("form");
  form.dataset.slug = tag.slug;
  form.setAttribute("aria-label", `Tag ${tag.slug}`);
  for (const label of form.querySelectorAll("label[data-for]")) {
    const id = `${tag.slug}-${label.dataset.for}`;
    label.htmlFor = id;
    form.elements[label.dataset.for].id = id;
  }
  fill(form, tag);
  form.addEventListener("submit", onSave);
  form.elements.colour.addEventListener("input", () => preview(form));
  form.querySelector(".archive").addEventListener("click", onArchive);
  return item;
}

// The list follows the vocabulary's own order: by order, then name.
function placeInOrder(item) {
  const key = (li) => {
    const tag = stored.get(li.querySelector("form").dataset.slug);
    return [tag.order, tag.name.toLowerCase()];
  };
  const [order, name] = key(item);
  const list = $("tag-forms");
  const after = [...list.children].find((li) => {
    if (li === item) return false;
    const [o, n] = key(li);
    return o > order || (o === order && n > name);
  });
  list.insertBefore(item, after || null);
}

async function onAdd(event) {
  event.preventDefault();
  const form = event.target;
  const body = { slug: form.elements.slug.value.trim(), ...valuesOf(form) };
  if (body.order === null) delete body.order;
  try {
    const tag = await api.post(data.tags_url, body);
    stored.set(tag.slug, tag);
    const item = tagForm(tag);
    placeInOrder(item);
    clearErrors(form);
    form.reset();
    delete form.elements.slug.dataset.typed;
    preview(form);
    say(`Added “${tag.name}”${tag.shortcut ? ` on key ${tag.shortcut}` : ""}.`);
  } catch (error) {
    showErrors(form, error);
  }
}

function slugOf(name) {
  return name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 50);
}

function setUpNewTag() {
  const form = $("new-tag");
  const slug = form.elements.slug;
  // The slug follows the name until the editor types one of their own.
  slug.addEventListener("input", () => { slug.dataset.typed = "true"; });
  form.elements.name.addEventListener("input", () => {
    if (!slug.dataset.typed) slug.value = slugOf(form.elements.name.value);
  });
  form.elements.colour.addEventListener("input", () => preview(form));
  form.addEventListener("submit", onAdd);
  preview(form);
}

async function load() {
  setUpNewTag();
  const tags = await api.get(data.tags_url);
  const list = $("tag-forms");
  for (const tag of tags) {
    stored.set(tag.slug, tag);
    list.append(tagForm(tag));
  }
  document.body.dataset.ready = "true";
}

load().catch((error) => say(`The vocabulary did not load: ${error.message}`, "error"));
