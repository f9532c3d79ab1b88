// fileconv web UI: sign in, upload (validated against the server's own allow-list and size limit), a live list
// of the user's files with cancel, download and delete, paging. Plain ES modules, no framework, no build step.
import {
  currentSession, endSession, oidcEnabled, onSessionChange, setUpOidc, signInWithDevIssuer, signInWithOidc,
} from "./auth.js";
import {
  ApiError, cancelFile, deleteFile, downloadPdf, getConfig, getFile, listFiles, readStatusEvents, thumbnail,
  uploadFile,
} from "./api.js";

const PAGE_SIZE = 20;
const POLL_MS = 1500;
const PARALLEL_UPLOADS = 3;
const TERMINAL = new Set(["converted", "failed", "cancelled"]);

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
};

let config = null;             // from GET /api/v1/config
let allowed = new Map();       // extension (no dot, lower case) -> type label
let labels = new Map();        // media type -> label

// ---- small formatting helpers -------------------------------------------------------------------------------

export function formatBytes(n) {
  if (n === null || n === undefined) return "";
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function formatDuration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "";
  ms = Math.max(0, ms);
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return m < 60 ? `${m} min ${s} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function extensionOf(name) {
  const dot = name.lastIndexOf(".");
  return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : "";
}

function pdfNameOf(name) {
  const dot = name.lastIndexOf(".");
  return `${dot > 0 ? name.slice(0, dot) : name}.pdf`;
}

function typeLabel(mediaType) {
  return labels.get(mediaType) || mediaType || "";
}

// ---- announcements (aria-live) -----------------------------------------------------------------------------

let announceTimer = null;
const pendingAnnouncements = [];
function announce(text) {
  pendingAnnouncements.push(text);
  clearTimeout(announceTimer);
  // Batched so that a poll that changes several files reads as one message.
  announceTimer = setTimeout(() => {
    const live = $("live");
    live.textContent = pendingAnnouncements.splice(0).join(". ");
  }, 150);
}

// ---- validation before sending ------------------------------------------------------------------------------

/** @returns {string|null} why the file is refused, or null when it may be sent */
export function refusalOf(file) {
  if (!config) return "the page has not loaded the list of accepted types yet";
  const ext = extensionOf(file.name);
  if (!ext || !allowed.has(ext)) {
    const what = ext ? `“.${ext}” files are` : "Files without an extension are";
    return `${what} not accepted. Accepted: ${acceptedList()}.`;
  }
  if (file.size === 0) return "The file is empty; there is nothing to convert.";
  if (file.size > config.maxUploadBytes) {
    let size = formatBytes(file.size);
    let limit = formatBytes(config.maxUploadBytes);
    if (size === limit) {
      size = `${file.size.toLocaleString("en")} bytes`;
      limit += ` (${config.maxUploadBytes.toLocaleString("en")} bytes)`;
    }
    return `The file is too large (${size}); the limit is ${limit}.`;
  }
  return null;
}

function acceptedList() {
  return [...allowed.keys()].map((e) => `.${e}`).join(", ");
}

// ---- sign-in ------------------------------------------------------------------------------------------------

function showSignIn(reason) {
  stopLive();
  live.lastEventId = null; // the next user starts from their own list
  stopPolling();
  resetFiles();
  $("uploads").replaceChildren();
  $("workspace").hidden = true;
  $("account").hidden = true;
  $("signin").hidden = false;
  const msg = $("signin-message");
  msg.hidden = !reason;
  msg.textContent = reason || "";
  if (!$("signin-form").hidden) $("signin-user").focus();
  else if (!$("signin-oidc-box").hidden) $("signin-oidc").focus();
}

function showWorkspace(session) {
  $("signin").hidden = true;
  $("account").hidden = false;
  $("account-user").textContent = session.user;
  $("account-region").textContent = session.region || "";
  // An OIDC token names the home region only when the provider adds a home_region claim.
  $("account-region-tag").hidden = !session.region;
  $("workspace").hidden = false;
  loadFirstPage();
  startLive();
}

async function onSignInSubmit(ev) {
  ev.preventDefault();
  const user = $("signin-user").value.trim();
  const region = $("signin-region").value;
  const err = $("signin-error");
  err.hidden = true;
  if (!/^[A-Za-z0-9._@-]{1,128}$/.test(user)) {
    err.textContent = "Enter a user name of letters, digits and . _ @ - (up to 128 characters).";
    err.hidden = false;
    $("signin-user").setAttribute("aria-invalid", "true");
    $("signin-user").focus();
    return;
  }
  $("signin-user").removeAttribute("aria-invalid");
  const button = $("signin-submit");
  button.disabled = true;
  try {
    await signInWithDevIssuer(user, region);
  } catch (e) {
    err.textContent = `Could not sign in: ${e.message}`;
    err.hidden = false;
  } finally {
    button.disabled = false;
  }
}

async function onOidcSignIn() {
  const err = $("signin-oidc-error");
  err.hidden = true;
  $("signin-oidc").disabled = true;
  try {
    await signInWithOidc(); // leaves the page for the provider's sign-in
  } catch (e) {
    err.textContent = `Could not reach the sign-in service: ${e.message}`;
    err.hidden = false;
    $("signin-oidc").disabled = false;
  }
}

// ---- uploads ------------------------------------------------------------------------------------------------

/** The PDF options form as fields to send: only what the user set (the server validates and explains refusals). */
function pdfOptions() {
  const options = {};
  for (const [name, value] of new FormData($("options-form")).entries()) {
    if (String(value).trim() !== "") options[name] = String(value).trim();
  }
  return options;
}

/** "pages 1-3, landscape, PDF/A-2b": the options a file was converted with, for its row. */
function optionsText(f) {
  const o = f.options || {};
  const parts = [];
  if (o.pageRanges) parts.push(`pages ${o.pageRanges}`);
  if (o.landscape !== undefined) parts.push(o.landscape ? "landscape" : "portrait");
  if (o.pdfa) parts.push(o.pdfa);
  if (o.pdfua) parts.push("PDF/UA");
  if (o.singlePageSheets) parts.push("one page per sheet");
  if (o.losslessImageCompression) parts.push("lossless images");
  if (o.quality) parts.push(`quality ${o.quality}`);
  if (o.maxImageResolution) parts.push(`${o.maxImageResolution} DPI`);
  if (o.exportBookmarks === false) parts.push("no bookmarks");
  if (o.exportNotes) parts.push("comments");
  return parts.length ? parts.join(", ") : null;
}

const uploadQueue = [];
let uploadsRunning = 0;

function handleFiles(fileList) {
  const files = [...fileList];
  let refused = 0;
  for (const file of files) {
    const why = refusalOf(file);
    const row = uploadRow(file);
    if (why) {
      refused++;
      markRefused(row, why);
    } else {
      uploadQueue.push({ file, row, options: pdfOptions() });
    }
  }
  const accepted = files.length - refused;
  announce(`${accepted} file${accepted === 1 ? "" : "s"} added for upload` + (refused ? `, ${refused} refused` : ""));
  pumpUploads();
}

function uploadRow(file) {
  const progress = el("progress", { max: "100", value: "0", "aria-label": `Upload progress of ${file.name}` });
  const message = el("p", { class: "message", text: "Waiting to upload…" });
  const row = el("li", { class: "upload", "data-name": file.name, "data-state": "waiting" },
    el("span", { class: "name", text: file.name }),
    el("span", { class: "size muted", text: formatBytes(file.size) }),
    progress, message);
  $("uploads").append(row);
  return row;
}

function markRefused(row, why) {
  row.classList.add("refused");
  row.dataset.state = "refused";
  row.querySelector("progress").remove();
  const name = row.dataset.name;
  const msg = row.querySelector(".message");
  msg.textContent = `Refused: ${why}`;
  msg.setAttribute("role", "alert");
  const dismiss = el("button", {
    type: "button", class: "button small secondary", text: "Dismiss",
    "aria-label": `Dismiss the message about ${name}`,
    onclick: () => {
      row.remove();
      $("dropzone").focus();
    },
  });
  row.insertBefore(dismiss, row.querySelector(".size").nextSibling);
  row.querySelector(".size").remove();
  announce(`${name} refused: ${why}`);
}

function pumpUploads() {
  while (uploadsRunning < PARALLEL_UPLOADS && uploadQueue.length) {
    const job = uploadQueue.shift();
    uploadsRunning++;
    runUpload(job).finally(() => {
      uploadsRunning--;
      pumpUploads();
    });
  }
}

async function runUpload({ file, row, options }) {
  if (!currentSession()) return;
  const progress = row.querySelector("progress");
  const msg = row.querySelector(".message");
  row.dataset.state = "uploading";
  msg.textContent = "Uploading…";
  const { promise } = uploadFile(file, options, (loaded, total) => {
    progress.value = total ? Math.round((loaded / total) * 100) : 0;
    msg.textContent = `Uploading… ${progress.value}%`;
  });
  try {
    const created = await promise;
    progress.value = 100;
    row.dataset.state = "done";
    row.classList.add("done");
    msg.textContent = "Uploaded — conversion starts shortly.";
    announce(`${file.name} uploaded`);
    upsert(created);
    render();
    schedulePoll();
    setTimeout(() => row.remove(), 4000);
  } catch (e) {
    const detail = e instanceof ApiError ? e.message : String(e);
    markRefused(row, detail.endsWith(".") ? detail : `${detail}.`);
  }
}

function setupDropzone() {
  const zone = $("dropzone");
  const input = $("file-input");
  zone.addEventListener("click", () => input.click());
  zone.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " " || e.key === "Spacebar") {
      e.preventDefault();
      input.click();
    }
  });
  input.addEventListener("change", () => {
    if (input.files && input.files.length) handleFiles(input.files);
    input.value = "";
  });
  zone.addEventListener("dragenter", (e) => {
    e.preventDefault();
    zone.classList.add("dragover");
  });
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
    zone.classList.add("dragover");
  });
  zone.addEventListener("dragleave", (e) => {
    if (!zone.contains(e.relatedTarget)) zone.classList.remove("dragover");
  });
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("dragover");
    if (e.dataTransfer && e.dataTransfer.files.length) handleFiles(e.dataTransfer.files);
  });
  // A file dropped next to the zone must not navigate away from the page.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());
}

// ---- the list of files --------------------------------------------------------------------------------------

const files = new Map();       // id -> file as the API shows it
const rows = new Map();        // id -> <li>
const deleted = new Set();     // ids deleted here: a poll answered before the delete must not bring them back
const thumbs = new Map();      // id -> blob URL of its thumbnail, or "loading" / "none"
let nextCursor = null;
let loadedOnce = false;
let listGeneration = 0;        // bumps on sign-out / filter change so late answers are dropped

function resetFiles() {
  listGeneration++;
  files.clear();
  rows.clear();
  for (const url of thumbs.values()) if (url.startsWith("blob:")) URL.revokeObjectURL(url);
  thumbs.clear();
  nextCursor = null;
  loadedOnce = false;
  $("files").replaceChildren();
  $("load-more").hidden = true;
  $("files-empty").hidden = true;
  $("files-error").hidden = true;
}

function statusFilter() {
  return $("status-filter").value || null;
}

/** Stores a file; announces a status change of a file already shown. */
function upsert(f) {
  if (deleted.has(f.id)) return;
  const before = files.get(f.id);
  files.set(f.id, f);
  if (before && before.status !== f.status) {
    announce(`${f.name} is ${f.status}` + (f.status === "failed" && f.failure ? `: ${f.failure.reason}` : ""));
  }
}

async function loadFirstPage() {
  resetFiles();
  const gen = listGeneration;
  try {
    const page = await listFiles({ limit: PAGE_SIZE, status: statusFilter() });
    if (gen !== listGeneration) return;
    page.items.forEach((f) => upsert(f));
    nextCursor = page.nextCursor;
    loadedOnce = true;
    render();
    schedulePoll();
  } catch (e) {
    if (gen === listGeneration) showListError(e);
  }
}

async function loadMore() {
  if (!nextCursor) return;
  const gen = listGeneration;
  const button = $("load-more");
  button.disabled = true;
  try {
    const page = await listFiles({ limit: PAGE_SIZE, cursor: nextCursor, status: statusFilter() });
    if (gen !== listGeneration) return;
    page.items.forEach((f) => upsert(f));
    nextCursor = page.nextCursor;
    render();
    announce(`${page.items.length} more file${page.items.length === 1 ? "" : "s"} shown`);
    schedulePoll();
  } catch (e) {
    showListError(e);
  } finally {
    button.disabled = false;
  }
}

function showListError(e) {
  if (e instanceof ApiError && e.status === 401) return; // signed out already
  const p = $("files-error");
  p.textContent = `Could not load your files: ${e.message}`;
  p.hidden = false;
}

function sortedFiles() {
  // Ids are UUIDv7: their text sorts by creation time. Newest first, as the API pages them.
  return [...files.values()].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

function render() {
  const list = $("files");
  const ordered = sortedFiles();
  ordered.forEach((f, i) => {
    let li = rows.get(f.id);
    if (!li) {
      li = el("li", { class: "file" });
      rows.set(f.id, li);
    }
    renderRow(li, f);
    if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null);
  });
  $("files-empty").hidden = !loadedOnce || ordered.length > 0;
  $("load-more").hidden = !nextCursor;
  $("files-error").hidden = true;
}

function timeTaken(f) {
  if (f.durationMs !== undefined && f.durationMs !== null) return `took ${formatDuration(f.durationMs)}`;
  if (TERMINAL.has(f.status) || !f.createdAt) return "";
  return `${formatDuration(Date.now() - Date.parse(f.createdAt))} so far`;
}

function failureText(f) {
  if (f.status !== "failed" || !f.failure) return null;
  const cls = (f.failure.class || "").replaceAll("_", " ");
  const retry = f.failure.retryable ? " It will be retried automatically." : "";
  return `Failed (${cls}): ${f.failure.reason || "no reason given"}.${retry}`;
}

function renderRow(li, f) {
  // Rebuild the row only when what it shows changed, so a focused button keeps focus between polls.
  if (f.status === "converted" && !thumbs.has(f.id)) loadThumbnail(f.id);
  const thumb = thumbs.get(f.id);
  const sig = `${f.status}|${f.failure ? f.failure.reason : ""}|${f.durationMs ?? ""}|${li.dataset.busy || ""}|${thumb}`;
  const time = timeTaken(f);
  if (li.dataset.sig === sig) {
    const t = li.querySelector(".time");
    if (t) t.textContent = time;
    return;
  }
  const hadFocus = li.contains(document.activeElement);
  li.dataset.sig = sig;
  li.dataset.id = f.id;
  li.dataset.status = f.status;
  li.dataset.name = f.name;

  const actions = el("div", { class: "actions" });
  if (f.status === "converted") {
    actions.append(el("button", {
      type: "button", class: "button small", "data-action": "view",
      "aria-label": `View the PDF of ${f.name}`, text: "View PDF",
      onclick: () => view(f.id),
    }));
    actions.append(el("button", {
      type: "button", class: "button small primary", "data-action": "download",
      "aria-label": `Download the PDF of ${f.name}`, text: "Download PDF",
      disabled: li.dataset.busy === "download",
      onclick: () => download(f.id),
    }));
  }
  if (!TERMINAL.has(f.status)) {
    actions.append(el("button", {
      type: "button", class: "button small danger", "data-action": "cancel",
      "aria-label": `Cancel the conversion of ${f.name}`, text: "Cancel",
      disabled: li.dataset.busy === "cancel",
      onclick: () => cancel(f.id),
    }));
  }
  actions.append(el("button", {
    type: "button", class: "button small", "data-action": "delete",
    "aria-label": `Delete ${f.name}`, text: "Delete",
    disabled: li.dataset.busy === "delete",
    onclick: () => remove(f.id),
  }));
  const reason = failureText(f);
  const preview = thumb && thumb.startsWith("blob:")
    ? el("img", { class: "thumb", src: thumb, alt: `First page of ${f.name}`, width: 64 }) : null;
  li.classList.toggle("with-thumb", Boolean(preview));
  li.replaceChildren(...[
    preview,
    el("div", { class: "info" },
      el("div", { class: "title-line" },
        el("span", { class: "name", text: f.name }),
        el("span", { class: `status status-${f.status}`, text: f.status })),
      el("div", { class: "meta" },
        el("span", { class: "type", text: typeLabel(f.type) }),
        el("span", { class: "size", text: formatBytes(f.size) }),
        el("span", { class: "time", text: time }),
        optionsText(f) ? el("span", { class: "options", text: optionsText(f) }) : null)),
    actions,
    (f.optionNotes || []).length ? el("p", { class: "hint", text: `${f.optionNotes.join("; ")}.` }) : null,
    reason ? el("p", { class: "reason", text: reason }) : null,
    li.dataset.error ? el("p", { class: "reason", role: "alert", text: li.dataset.error }) : null,
  ].filter(Boolean));
  if (hadFocus) {
    // The focused button went away with the status change: keep keyboard users on this row.
    const next = actions.querySelector("button");
    if (next) next.focus();
    else {
      li.tabIndex = -1;
      li.focus();
    }
  }
}

async function cancel(id) {
  const li = rows.get(id);
  const f = files.get(id);
  li.dataset.busy = "cancel";
  delete li.dataset.error;
  renderRow(li, f);
  try {
    upsert(await cancelFile(id));
  } catch (e) {
    li.dataset.error = `Could not cancel: ${e.message}`;
    announce(`${f.name}: could not cancel: ${e.message}`);
    try {
      upsert(await getFile(id));
    } catch {
      /* keep what we have */
    }
  } finally {
    delete li.dataset.busy;
    li.dataset.sig = "";
    render();
    schedulePoll();
  }
}

/** Asks first: a deleted file (its upload and its PDF) cannot be brought back. */
async function remove(id) {
  const li = rows.get(id);
  const f = files.get(id);
  const running = !TERMINAL.has(f.status) ? " Its conversion is stopped." : "";
  if (!window.confirm(`Delete ${f.name}? The upload and its PDF are removed for good.${running}`)) return;
  li.dataset.busy = "delete";
  delete li.dataset.error;
  renderRow(li, f);
  try {
    await deleteFile(id);
    forget(id, `${f.name} deleted`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      forget(id, `${f.name} was already deleted`);
      return;
    }
    delete li.dataset.busy;
    li.dataset.error = `Could not delete: ${e.message}`;
    li.dataset.sig = "";
    renderRow(li, f);
    announce(`${f.name}: could not delete: ${e.message}`);
  }
}

function forget(id, message) {
  deleted.add(id);
  files.delete(id);
  const li = rows.get(id);
  rows.delete(id);
  if (li) li.remove();
  announce(message);
  render();
}

/** Fetches the thumbnail once per file (with the token) into a blob URL, then redraws the row. */
async function loadThumbnail(id) {
  thumbs.set(id, "loading");
  const generation = listGeneration;
  let value = "none";
  try {
    value = URL.createObjectURL(await thumbnail(id));
  } catch (e) {
    // No thumbnail (404) or not reachable: the row simply shows none.
  }
  if (generation !== listGeneration || !files.has(id)) {
    if (value.startsWith("blob:")) URL.revokeObjectURL(value);
    return;
  }
  thumbs.set(id, value);
  const li = rows.get(id);
  if (li) renderRow(li, files.get(id));
}

/** Opens the PDF in the browser's own viewer: a blob URL, since the PDF endpoint needs the bearer token. */
async function view(id) {
  const f = files.get(id);
  const tab = window.open("", "_blank"); // opened within the click, so pop-up blockers let it through
  try {
    const url = URL.createObjectURL(await downloadPdf(id));
    if (tab) tab.location.href = url;
    else window.location.assign(url);
    setTimeout(() => URL.revokeObjectURL(url), 300_000);
  } catch (e) {
    if (tab) tab.close();
    announce(`${f.name}: could not open the PDF: ${e.message}`);
  }
}

async function download(id) {
  const li = rows.get(id);
  const f = files.get(id);
  li.dataset.busy = "download";
  delete li.dataset.error;
  renderRow(li, f);
  try {
    const blob = await downloadPdf(id);
    const url = URL.createObjectURL(blob);
    const a = el("a", { href: url, download: pdfNameOf(f.name), hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    announce(`Downloading ${pdfNameOf(f.name)}`);
  } catch (e) {
    li.dataset.error = `Could not download: ${e.message}`;
    announce(`${f.name}: could not download: ${e.message}`);
  } finally {
    delete li.dataset.busy;
    li.dataset.sig = "";
    renderRow(li, files.get(id));
  }
}

// ---- polling while anything is still moving -----------------------------------------------------------------

let pollTimer = null;
let polling = false;

function anythingMoving() {
  for (const f of files.values()) if (!TERMINAL.has(f.status)) return true;
  return false;
}

function schedulePoll() {
  if (live.connected || pollTimer || polling || !currentSession() || !anythingMoving()) return;
  pollTimer = setTimeout(poll, POLL_MS);
}

function stopPolling() {
  clearTimeout(pollTimer);
  pollTimer = null;
}

async function poll() {
  pollTimer = null;
  polling = true;
  const gen = listGeneration;
  try {
    // The newest page brings new files (e.g. from another tab) and most changes; files further down that are
    // still moving are asked for one by one.
    const page = await listFiles({ limit: PAGE_SIZE, status: statusFilter() });
    if (gen !== listGeneration) return;
    const seen = new Set();
    for (const f of page.items) {
      seen.add(f.id);
      upsert(f);
    }
    const stragglers = [...files.values()].filter((f) => !seen.has(f.id) && !TERMINAL.has(f.status)).slice(0, 20);
    const fresh = await Promise.all(stragglers.map((f) => getFile(f.id).catch(() => null)));
    if (gen !== listGeneration) return;
    fresh.filter(Boolean).forEach((f) => upsert(f));
    render();
  } catch (e) {
    if (gen === listGeneration) showListError(e);
  } finally {
    polling = false;
    if (gen === listGeneration) schedulePoll();
  }
}

// ---- live status (Server-Sent Events), polling as the fallback ----------------------------------------------

const live = { connected: false, abort: null, lastEventId: null, retryTimer: null, failures: 0, renderQueued: false };

function setLiveMode(mode) {
  document.documentElement.dataset.live = mode; // "stream" or "polling": what keeps the list current
}

/** One status event: the file's new state (or a file uploaded elsewhere, e.g. in another tab). */
function onStatusEvent(f) {
  const filter = statusFilter();
  if (!files.has(f.id) && filter && f.status !== filter) return;
  upsert(f);
  if (!live.renderQueued) {
    live.renderQueued = true;
    requestAnimationFrame(() => {
      live.renderQueued = false;
      render();
    });
  }
}

function startLive() {
  stopLive();
  const abort = new AbortController();
  live.abort = abort;
  readStatusEvents({
    lastEventId: live.lastEventId,
    signal: abort.signal,
    onOpen: () => {
      live.connected = true;
      live.failures = 0;
      stopPolling();
      setLiveMode("stream");
    },
    onEvent: (e) => {
      if (e.id) live.lastEventId = e.id;
      if (e.type === "status") onStatusEvent(JSON.parse(e.data));
      else if (e.type === "resync") loadFirstPage(); // more changed while away than one resume carries
    },
  })
    .catch(() => null) // refused or cut: fall back to polling below
    .finally(() => {
      if (live.abort !== abort || abort.signal.aborted) return;
      live.connected = false;
      live.abort = null;
      setLiveMode("polling");
      schedulePoll();
      // Reconnect with backoff (resuming after the last event seen); polling covers the gap.
      live.failures++;
      const delay = Math.min(60_000, 1000 * 2 ** Math.min(6, live.failures));
      live.retryTimer = setTimeout(() => {
        if (currentSession()) startLive();
      }, delay);
    });
}

function stopLive() {
  clearTimeout(live.retryTimer);
  live.retryTimer = null;
  if (live.abort) live.abort.abort();
  live.abort = null;
  live.connected = false;
  setLiveMode("polling");
}

// ---- start --------------------------------------------------------------------------------------------------

async function boot() {
  setupDropzone();
  $("signin-form").addEventListener("submit", onSignInSubmit);
  $("sign-out").addEventListener("click", () => endSession("You are signed out."));
  $("signin-oidc").addEventListener("click", onOidcSignIn);
  $("load-more").addEventListener("click", loadMore);
  $("status-filter").addEventListener("change", loadFirstPage);
  onSessionChange((session, reason) => (session ? showWorkspace(session) : showSignIn(reason)));

  try {
    config = await getConfig();
  } catch (e) {
    const p = $("boot-error");
    p.textContent = `The service is not reachable: ${e.message}. Reload the page to try again.`;
    p.hidden = false;
    return;
  }
  allowed = new Map();
  labels = new Map();
  for (const t of config.types) {
    labels.set(t.mediaType, t.label);
    for (const ext of t.extensions) allowed.set(String(ext).replace(/^\./, "").toLowerCase(), t.label);
  }
  $("file-input").setAttribute("accept", [...allowed.keys()].map((e) => `.${e}`).join(","));
  $("dropzone-hint").textContent =
    `Accepted: ${acceptedList()} — up to ${formatBytes(config.maxUploadBytes)} each. Press Enter or Space to choose files.`;
  const select = $("signin-region");
  select.replaceChildren(...config.regions.map((r) => el("option", { value: r, text: r.toUpperCase() })));

  $("signin-form").hidden = !config.devIssuer;
  let returnError = null;
  try {
    const outcome = await setUpOidc(config.oidc);
    if (outcome && outcome.embedded) return; // a renewal's hidden iframe: nothing to show
    returnError = outcome && outcome.error;
  } catch (e) {
    returnError = `Sign-in with your organisation is not available: ${e.message}`;
  }
  $("signin-oidc-box").hidden = !oidcEnabled();
  const session = currentSession();
  if (session) showWorkspace(session);
  else if (returnError) showSignIn(returnError);
  else if (!config.devIssuer && !oidcEnabled()) showSignIn("This server has no sign-in configured.");
  else showSignIn(null);
  document.documentElement.dataset.ready = "true";
}

boot();
