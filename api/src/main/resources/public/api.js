// Thin client of the fileconv REST API. Every refusal of the API is RFC 9457 problem+json; it becomes an
// ApiError whose message is the problem's detail, so the page can show the server's own words.
import { authHeaders, signOut } from "./auth.js";

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `request failed (HTTP ${status})`);
    this.status = status;
    this.problem = problem || null;
  }
}

async function problemOf(res) {
  try {
    return await res.json();
  } catch {
    return null;
  }
}

async function request(path, { method = "GET", body, headers = {}, raw = false } = {}) {
  const res = await fetch(path, {
    method,
    body,
    headers: { Accept: "application/json", ...authHeaders(), ...headers },
  });
  if (res.status === 401) {
    signOut("Your session has ended. Please sign in again.");
  }
  if (!res.ok) {
    throw new ApiError(res.status, await problemOf(res));
  }
  return raw ? res : res.json();
}

/** {maxUploadBytes, types:[{mediaType,label,extensions}], devIssuer, regions} — public, no token needed. */
export function getConfig() {
  return request("/api/v1/config");
}

export function listFiles({ limit = 20, cursor = null, status = null } = {}) {
  const q = new URLSearchParams({ limit: String(limit) });
  if (cursor) q.set("cursor", cursor);
  if (status) q.set("status", status);
  return request(`/api/v1/files?${q}`);
}

export function getFile(id) {
  return request(`/api/v1/files/${encodeURIComponent(id)}`);
}

export function cancelFile(id) {
  return request(`/api/v1/files/${encodeURIComponent(id)}/cancel`, { method: "POST" });
}

/** Deletes the file (input, PDF and record); 204 without a body. */
export async function deleteFile(id) {
  await request(`/api/v1/files/${encodeURIComponent(id)}`, { method: "DELETE", raw: true });
}

/** The PDF as a Blob (the endpoint needs the bearer token, so a plain link cannot be used). */
export async function downloadPdf(id) {
  const res = await request(`/api/v1/files/${encodeURIComponent(id)}/pdf`, {
    headers: { Accept: "application/pdf" },
    raw: true,
  });
  return res.blob();
}

/** The first page's PNG as a Blob (an <img> cannot send the bearer token); rejects with ApiError 404 when none. */
export async function thumbnail(id) {
  const res = await request(`/api/v1/files/${encodeURIComponent(id)}/thumbnail`, {
    headers: { Accept: "image/png" },
    raw: true,
  });
  return res.blob();
}

/**
 * Uploads one file with XMLHttpRequest (fetch has no upload progress). onProgress(loaded, total) is called as
 * bytes leave. Resolves with the created file; rejects with an ApiError carrying the problem detail.
 * options: PDF options as form fields ({pageRanges: "1-3", ...}), sent before the file. Returns {promise, abort}.
 */
export function uploadFile(file, options, onProgress) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open("POST", "/api/v1/files");
    xhr.responseType = "text";
    xhr.setRequestHeader("Accept", "application/json");
    for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) onProgress(e.loaded, e.total);
    });
    xhr.addEventListener("load", () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status === 201 && body) {
        resolve(body);
        return;
      }
      if (xhr.status === 401) signOut("Your session has ended. Please sign in again.");
      reject(new ApiError(xhr.status, body));
    });
    xhr.addEventListener("error", () => reject(new ApiError(0, { detail: "network error: the upload did not reach the server" })));
    xhr.addEventListener("abort", () => reject(new ApiError(0, { detail: "upload stopped" })));
    const form = new FormData();
    for (const [name, value] of Object.entries(options || {})) form.append(name, value);
    form.append("file", file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

/**
 * Reads GET /api/v1/events (Server-Sent Events) with fetch, since EventSource cannot send the bearer token.
 * onEvent({type, id, data}) is called per event; resolves when the server ends the stream, rejects on a refusal or a
 * network error. lastEventId resumes after that event. Abort with signal.
 */
export async function readStatusEvents({ lastEventId, signal, onOpen, onEvent }) {
  const headers = { Accept: "text/event-stream", ...authHeaders() };
  if (lastEventId) headers["Last-Event-ID"] = lastEventId;
  const res = await fetch("/api/v1/events", { headers, signal, cache: "no-store" });
  if (res.status === 401) signOut("Your session has ended. Please sign in again.");
  if (!res.ok || !res.body) throw new ApiError(res.status, await problemOf(res));
  onOpen();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let event = { type: "message", id: null, data: [] };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let nl;
    while ((nl = buffer.search(/\r?\n/)) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + (buffer[nl] === "\r" ? 2 : 1));
      if (line === "") {
        if (event.data.length) onEvent({ type: event.type, id: event.id, data: event.data.join("\n") });
        event = { type: "message", id: null, data: [] };
      } else if (line.startsWith(":")) {
        // keep-alive comment
      } else {
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event.type = val;
        else if (field === "id") event.id = val;
        else if (field === "data") event.data.push(val);
      }
    }
  }
}
