// Fetch wrapper for /api/v1: JSON in and out, the CSRF header on state-changing requests, the
// error envelope {"error":{"code","message"}} as ApiError, and 401 -> the login page.
const BASE = '/api/v1';
let csrf = null;
let onUnauthorized = null;

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || 'HTTP ' + status);
    this.status = status;  // HTTP status, 0 = network failure
    this.code = code;      // 'forbidden', 'not_found', 'network', ...
  }
}

export function setCsrf(token) { csrf = token || null; }
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

export function url(path, query) {
  const u = new URL(BASE + path, location.origin);
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v !== '' && v !== null && v !== undefined) u.searchParams.set(k, v);
    }
  }
  return u.pathname + u.search;
}

async function request(method, path, { query, body, form, quiet401, signal } = {}) {
  const headers = { Accept: 'application/json' };
  let payload;
  if (form) payload = form;
  else if (body !== undefined) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  let r;
  try {
    r = await fetch(url(path, query), { method, headers, body: payload, credentials: 'same-origin', signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', e.message);
  }
  const type = r.headers.get('Content-Type') || '';
  let data = null;
  if (type.includes('json')) {
    try { data = await r.json(); } catch { data = null; }
  }
  if (!r.ok) {
    const err = data && data.error ? data.error : {};
    const e = new ApiError(r.status, err.code || 'http_' + r.status, err.message || r.statusText);
    if (r.status === 401 && !quiet401 && onUnauthorized) onUnauthorized(e);
    throw e;
  }
  if (data === null && !type.includes('json')) return r;
  return data;
}

export const api = {
  get: (path, query, opts = {}) => request('GET', path, { ...opts, query }),
  post: (path, body, opts = {}) => request('POST', path, { ...opts, body: body === undefined ? {} : body }),
  patch: (path, body, opts = {}) => request('PATCH', path, { ...opts, body }),
  put: (path, body, opts = {}) => request('PUT', path, { ...opts, body }),
  del: (path, opts = {}) => request('DELETE', path, opts),
  upload: (path, formData, opts = {}) => request('POST', path, { ...opts, form: formData }),
  url,
};
