// Token handling, kept apart from the rest of the page so that a real OIDC login can replace the development
// sign-in: the page only needs currentSession(), authHeaders(), signOut() and onSessionChange(). A replacement
// module would obtain the access token (authorization code + PKCE) and keep the same shape of session.

const KEY = "fileconv.session";
const listeners = new Set();

/** @returns {{token: string, user: string, region: string, expiresAt: string} | null} */
export function currentSession() {
  let raw;
  try {
    raw = sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
  if (!raw) return null;
  try {
    const s = JSON.parse(raw);
    if (!s || typeof s.token !== "string") return null;
    if (s.expiresAt && Date.parse(s.expiresAt) <= Date.now()) {
      sessionStorage.removeItem(KEY);
      return null;
    }
    return s;
  } catch {
    sessionStorage.removeItem(KEY);
    return null;
  }
}

/** Headers that authenticate a request of the signed-in user (empty when signed out). */
export function authHeaders() {
  const s = currentSession();
  return s ? { Authorization: `Bearer ${s.token}` } : {};
}

/**
 * Development sign-in: the embedded stack's issuer answers a signed JWT for any user name and registers the
 * user in the chosen home region. Throws an Error whose message is the server's problem detail.
 */
export async function signInWithDevIssuer(user, region) {
  const res = await fetch("/api/v1/dev/token", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ user, region }),
  });
  const body = await res.json().catch(() => null);
  if (!res.ok || !body || !body.token) {
    throw new Error((body && (body.detail || body.title)) || `sign-in failed (HTTP ${res.status})`);
  }
  const session = {
    token: body.token,
    user: body.user || user,
    region: body.region || region,
    expiresAt: body.expiresAt || null,
  };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  notify(session, null);
  return session;
}

/** Forgets the token. `reason` (optional) is shown on the sign-in screen, e.g. when the token expired. */
export function signOut(reason = null) {
  sessionStorage.removeItem(KEY);
  notify(null, reason);
}

/** Calls fn(session, reason) whenever the user signs in or out. */
export function onSessionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function notify(session, reason) {
  for (const fn of listeners) fn(session, reason);
}
