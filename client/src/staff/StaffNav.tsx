import { useTranslation } from 'react-i18next';
import type { Route } from '@accord/shared';
import { api } from '../app/api';
import { navigate } from '../app/router';
import { forgetDeviceData, saveStaffSession, type StaffSession } from '../app/session';
import { staffNavFor } from './nav';

/** Signs out on this device: the session, and everything the device kept for this person. */
export function signOut(staff: StaffSession): void {
  saveStaffSession(null);
  // A shared device keeps nothing of the person who signed out.
  void forgetDeviceData(staff.user.id);
  // Best effort: the session on this device is gone either way.
  void api('POST /api/auth/logout', { token: staff.token }).catch(() => undefined);
  navigate('/');
}

/** The staff pages' navigation (from STAFF_NAV), who is signed in, and signing out. Wraps on a phone. */
export function StaffNav({ staff, page }: { staff: StaffSession; page: Route['page'] }) {
  const { t } = useTranslation();
  const role = staff.user.staffRole;
  const items = staffNavFor(role, page);
  return (
    <div className="staff-bar">
      {items.length > 0 && (
        <nav aria-label={t('nav.label')} data-testid="staff-nav">
          <ul>
            {items.map(({ item, current }) => (
              <li key={item.page}>
                <a
                  href={item.path}
                  aria-current={current === 'page' ? 'page' : current === 'section' ? 'true' : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(item.path);
                  }}
                >
                  {t(`nav.items.${item.label}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <p className="who" data-testid="signed-in-as">
        {t('nav.signedInAs', {
          name: staff.user.displayName,
          role: role ? t(`staffRoles.${role}`) : t('staffRoles.none'),
        })}
      </p>
      <button type="button" className="sign-out" data-testid="sign-out" onClick={() => signOut(staff)}>
        {t('nav.signOut')}
      </button>
    </div>
  );
}
