// Roles and what each may use in the UI. The server always decides; this only hides what a
// role cannot use (nav entries, buttons).
export const ROLES = ['admin', 'pusat', 'provinsi', 'kabkota', 'pelapor'];

export const R = {
  ALL: ROLES,
  OFFICERS: ['admin', 'pusat', 'provinsi', 'kabkota'],
  NATIONAL: ['admin', 'pusat'],
  MANAGERS: ['admin', 'provinsi', 'kabkota'],          // may administer accounts
  PLANNERS: ['admin', 'pusat', 'provinsi', 'kabkota'],  // RAD, progress, compliance, Timdu
  DECIDERS: ['admin', 'provinsi', 'kabkota'],          // decide intake leads (in their region)
};

const CAPS = {
  'events.view': R.OFFICERS,
  'events.verify': R.OFFICERS,
  'alerts.view': R.OFFICERS,
  'alerts.act': R.OFFICERS,
  'users.manage': R.MANAGERS,
  'reports.submit': R.ALL,
  // incoming SMS/WhatsApp leads (handlers_intake.c): officers read (the route's roles), pusat
  // does not decide
  'intake.decide': R.DECIDERS,
};

export function can(user, cap) {
  return !!user && (CAPS[cap] || []).includes(user.role);
}

export function allowed(user, roles) {
  if (!roles) return !!user;
  return !!user && roles.includes(user.role);
}

// Roles a manager may create: admin any; provinsi kabkota/pelapor; kabkota pelapor.
export function creatableRoles(user) {
  if (!user) return [];
  if (user.role === 'admin') return ROLES.slice();
  if (user.role === 'provinsi') return ['kabkota', 'pelapor'];
  if (user.role === 'kabkota') return ['pelapor'];
  return [];
}

export function homeFor(user) {
  if (!user) return '/login';
  return user.role === 'pelapor' ? '/lapor' : '/dashboard';
}
