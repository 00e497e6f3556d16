// The route table. One entry per page; part B appends its pages here (see web/README.md).
//   path   '/events/:id' (':name' -> ctx.params.name)
//   page   () => import('./pages/x.js'), a module exporting render(main, ctx)
//   roles  roles allowed (missing = any logged-in user); public: true = no login needed
//   nav    { key: i18n key, order } to show an entry in the main nav (only to allowed roles)
import { R } from './roles.js';

export const routes = [
  { path: '/login', page: () => import('./pages/login.js'), public: true },
  { path: '/dashboard', page: () => import('./pages/dashboard.js'), roles: R.OFFICERS,
    nav: { key: 'nav.dashboard', order: 10 } },
  { path: '/events', page: () => import('./pages/events.js'), roles: R.OFFICERS,
    nav: { key: 'nav.events', order: 20 } },
  { path: '/events/:id', page: () => import('./pages/event.js'), roles: R.OFFICERS },
  // incoming messages from unknown numbers (issue 16 item 3): officers read in scope; admin,
  // provinsi and kabkota promote or discard (the server decides, pelapor gets 403)
  { path: '/intake-leads', page: () => import('./pages/intake.js'), roles: R.OFFICERS,
    nav: { key: 'nav.intake', order: 25 } },
  { path: '/intake-leads/:id', page: () => import('./pages/intake.js'), roles: R.OFFICERS },
  { path: '/alerts', page: () => import('./pages/alerts.js'), roles: R.OFFICERS,
    nav: { key: 'nav.alerts', order: 30 } },
  { path: '/alerts/:id', page: () => import('./pages/alerts.js'), roles: R.OFFICERS },
  { path: '/lapor', page: () => import('./pages/lapor.js'), roles: R.ALL,
    nav: { key: 'nav.lapor', order: 40 } },
  // 50-69: part B (rad 50, progress 55, compliance 60, timdu 65)
  { path: '/users', page: () => import('./pages/users.js'), roles: R.MANAGERS,
    nav: { key: 'nav.users', order: 80 } },
  { path: '/panduan', page: () => import('./pages/panduan.js'), public: true,
    nav: { key: 'nav.panduan', order: 90 } },
  { path: '/panduan/:topic', page: () => import('./pages/panduan.js'), public: true },
  // part B: plan and control (rad 50, progress 55, compliance 60, timdu 65)
  { path: '/rad', page: () => import('./pages/rad.js'), roles: R.PLANNERS,
    nav: { key: 'nav.rad', order: 50 } },
  { path: '/rad/opd', page: () => import('./pages/rad-opd.js'), roles: R.PLANNERS },
  { path: '/rad/:id', page: () => import('./pages/rad-detail.js'), roles: R.PLANNERS },
  { path: '/progress', page: () => import('./pages/progress.js'), roles: R.PLANNERS,
    nav: { key: 'nav.progress', order: 55 } },
  { path: '/progress/:id', page: () => import('./pages/progress-detail.js'), roles: R.PLANNERS },
  { path: '/compliance', page: () => import('./pages/compliance.js'), roles: R.PLANNERS,
    nav: { key: 'nav.compliance', order: 60 } },
  // P3AKS figures (issue 14 item 2): officers in scope; the list of overdue services only
  // for the case's regional officers and admin (the server decides)
  { path: '/p3aks', page: () => import('./pages/p3aks.js'), roles: R.OFFICERS,
    nav: { key: 'nav.p3aks', order: 62 } },
  { path: '/timdu', page: () => import('./pages/timdu.js'), roles: R.PLANNERS,
    nav: { key: 'nav.timdu', order: 65 } },
  { path: '/timdu/:id', page: () => import('./pages/timdu-detail.js'), roles: R.PLANNERS },
  // safe public spaces for women and children (RAD P3AKS, issue 14 item 3): officers read in
  // scope; admin, provinsi and kabkota write
  { path: '/spaces', page: () => import('./pages/spaces.js'), roles: R.OFFICERS,
    nav: { key: 'nav.spaces', order: 67 } },
  { path: '/spaces/new', page: () => import('./pages/spaces.js'), roles: R.MANAGERS },
  { path: '/spaces/:id', page: () => import('./pages/spaces.js'), roles: R.OFFICERS },
  // conflict cases (issue 5 item 6): nav 70; pusat reads, admin/provinsi/kabkota write in scope
  { path: '/cases', page: () => import('./pages/cases.js'), roles: R.OFFICERS,
    nav: { key: 'nav.cases', order: 70 } },
  { path: '/cases/new', page: () => import('./pages/cases.js'), roles: R.MANAGERS },
  { path: '/cases/:id', page: () => import('./pages/case-detail.js'), roles: R.OFFICERS },
];
