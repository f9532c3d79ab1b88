// Token handling, kept apart from the rest of the page: the page only needs currentSession(), authHeaders(),
// signOut(), endSession() and onSessionChange(). Two ways in: the development issuer of the embedded stack, and any
// OpenID Connect provider (authorization code + PKCE through oidc-client-ts, vendor/README.md) when
// /api/v1/config names one.

const KEY = "fileconv.session";
const listeners = new Set();
let manager = null; // oidc.UserManager when the server names an OIDC provider

/** @returns {{token: string, user: string, region: string|null, expiresAt: string, kind: string} | null} */
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
    kind: "dev",
  };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  notify(session, null);
  return session;
}

// ---- OpenID Connect -----------------------------------------------------------------------------------------

/**
 * Sets up sign-in with the provider {issuer, clientId, scopes} from /api/v1/config and finishes a sign-in when the
 * provider has just redirected back here (?code=...&state=...). Endpoints come from the issuer's discovery
 * document; the code is exchanged with PKCE (S256) by the library; the access token is renewed before it expires
 * with the refresh token (or, when the provider gave none, a hidden-iframe prompt=none request).
 * Resolves with {error} to show when the return from the provider carried an error, {embedded: true} when this
 * page is only the hidden iframe of a renewal, else null.
 */
export async function setUpOidc(provider) {
  if (!provider || typeof oidc === "undefined") return null;
  const here = `${location.origin}${location.pathname}`;
  manager = new oidc.UserManager({
    authority: provider.issuer,
    client_id: provider.clientId,
    redirect_uri: here,
    silent_redirect_uri: here,
    post_logout_redirect_uri: here,
    response_type: "code",
    scope: provider.scopes,
    automaticSilentRenew: true,
    // Tokens live in this tab only, like the development token.
    userStore: new oidc.WebStorageStateStore({ store: sessionStorage }),
    stateStore: new oidc.WebStorageStateStore({ store: sessionStorage }),
  });
  manager.events.addUserLoaded((user) => keep(user, false)); // a renewal: the next request uses the new token
  manager.events.addSilentRenewError((e) => {
    // The session then ends when the token expires (below); the reason is kept for whoever looks.
    console.warn("token renewal failed", e);
    document.documentElement.dataset.renewError = String(e && e.message ? e.message : e);
  });
  manager.events.addAccessTokenExpired(() => signOut("Your session has ended. Please sign in again."));
  manager.events.addUserSignedOut(() => signOut("You were signed out at your identity provider."));

  const params = new URLSearchParams(location.search);
  if (params.has("state") && (params.has("code") || params.has("error"))) {
    const clean = () => history.replaceState(null, "", location.pathname);
    try {
      // A full-page return from sign-in gives the user; in the hidden iframe of a prompt=none renewal (when the
      // provider gave no refresh token) the library hands the result to the page above and gives nothing.
      const user = await manager.signinCallback();
      if (!user) return { embedded: true };
      clean();
      keep(user, true);
    } catch (e) {
      clean();
      return { error: `Sign-in did not complete: ${params.get("error_description") || params.get("error") || e.message}` };
    }
  } else if (currentSession()?.kind === "oidc") {
    // A reload: the library resumes renewing the stored user's token.
    const user = await manager.getUser();
    if (!user || user.expired) signOut(null);
  }
  return null;
}

/** Whether the page can sign in with an OIDC provider. */
export function oidcEnabled() {
  return manager !== null;
}

/** Leaves for the provider's sign-in page; it comes back with a code that setUpOidc() exchanges. */
export async function signInWithOidc() {
  await manager.signinRedirect();
}

function keep(user, announce) {
  const p = user.profile || {};
  const session = {
    token: user.access_token,
    user: p.preferred_username || p.email || p.name || p.sub,
    region: typeof p.home_region === "string" ? p.home_region : null,
    expiresAt: user.expires_at ? new Date(user.expires_at * 1000).toISOString() : null,
    kind: "oidc",
  };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  if (announce) notify(session, null);
}

// ---- signing out --------------------------------------------------------------------------------------------

/** Forgets the tokens here. `reason` (optional) is shown on the sign-in screen, e.g. when the token expired. */
export function signOut(reason = null) {
  sessionStorage.removeItem(KEY);
  if (manager) manager.removeUser().catch(() => {});
  notify(null, reason);
}

/**
 * The Sign out button: forgets the tokens and, for an OIDC session whose provider offers an end_session_endpoint,
 * ends the session there too (id_token_hint, back to this page); otherwise only here.
 */
export async function endSession(reason) {
  const s = currentSession();
  if (manager && s && s.kind === "oidc") {
    const user = await manager.getUser();
    let endpoint = null;
    try {
      endpoint = await manager.metadataService.getEndSessionEndpoint();
    } catch {
      endpoint = null;
    }
    if (user && endpoint) {
      sessionStorage.removeItem(KEY);
      // The library sends id_token_hint and post_logout_redirect_uri and drops its stored user.
      await manager.signoutRedirect({ id_token_hint: user.id_token });
      return;
    }
  }
  signOut(reason);
}

/** Calls fn(session, reason) whenever the user signs in or out. */
export function onSessionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function notify(session, reason) {
  for (const fn of listeners) fn(session, reason);
}
