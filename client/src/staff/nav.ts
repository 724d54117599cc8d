import type { Route, StaffRole } from '@accord/shared';
import type { en } from '../i18n/en';

/** One entry of the staff navigation. */
export interface StaffNavItem {
  /** The page it opens (its `Route['page']`), marked current there. */
  page: Route['page'];
  path: string;
  label: keyof (typeof en)['nav']['items'];
  /** Who sees the entry: each page also checks the role itself. */
  roles: readonly StaffRole[];
  /** Pages reached from this entry (a case from the queue), where it is marked as the current section. */
  within?: readonly Route['page'][];
}

/**
 * The staff navigation, in order. A new staff page adds its entry here (and its label under
 * `nav.items` in both languages); the header shows it to the roles named.
 */
export const STAFF_NAV: readonly StaffNavItem[] = [
  // A lender's staff see their own lender's complaints in the queue; reviewers and admins all of them.
  { page: 'queue', path: '/staff', label: 'queue', roles: ['reviewer', 'platform', 'admin'], within: ['staffCase'] },
  { page: 'home', path: '/', label: 'myCases', roles: ['reviewer', 'platform', 'mediator', 'admin'] },
  { page: 'mediators', path: '/admin/mediators', label: 'mediators', roles: ['admin'] },
  { page: 'accounts', path: '/admin/accounts', label: 'accounts', roles: ['admin'] },
  // The centre sees every lender's outcomes; a lender's staff their own lender's (scoped by the server).
  { page: 'dashboard', path: '/staff/dashboard', label: 'dashboard', roles: ['reviewer', 'platform', 'admin'] },
];

/** Pages that are no staff page: the header shows no staff navigation there (the room has its own bar). */
const NOT_STAFF_PAGES: ReadonlySet<Route['page']> = new Set(['room', 'join', 'login', 'track', 'complain']);

export const showsStaffNav = (page: Route['page']): boolean => !NOT_STAFF_PAGES.has(page);

/** The entries `role` sees, each with how it stands to the current page. */
export function staffNavFor(
  role: StaffRole | null,
  page: Route['page'],
): { item: StaffNavItem; current: 'page' | 'section' | null }[] {
  if (!role) return [];
  return STAFF_NAV.filter((item) => item.roles.includes(role)).map((item) => ({
    item,
    current: item.page === page ? 'page' : item.within?.includes(page) ? 'section' : null,
  }));
}
