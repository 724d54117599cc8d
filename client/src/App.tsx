import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { JoinPage } from './auth/JoinPage';
import { LoginPage } from './auth/LoginPage';
import { HomePage } from './cases/HomePage';
import { LanguageSwitch } from './app/LanguageSwitch';
import { navigate, useRoute } from './app/router';
import { roomSessions, staffSession } from './app/session';
import { IntakePage } from './intake/IntakePage';
import { TrackPage } from './intake/TrackPage';
import { AccountsPage } from './review/AccountsPage';
import { MediatorsPage } from './review/MediatorsPage';
import { QueuePage } from './review/QueuePage';
import { StaffCasePage } from './review/StaffCasePage';
import { RecordPage } from './outcome/RecordPage';
import { VerifyPage } from './outcome/VerifyPage';
import { RoomPage } from './room/RoomPage';
import { StaffNav } from './staff/StaffNav';
import { showsStaffNav } from './staff/nav';

// The dashboard's charting library is loaded with the page itself, so no other page pays for it.
const DashboardPage = lazy(() => import('./dashboard/DashboardPage').then((m) => ({ default: m.DashboardPage })));

/** A staff page opened signed out: off to the sign-in, which comes back here afterwards. */
function SignInFirst() {
  const { t } = useTranslation();
  useEffect(() => {
    const here = window.location.pathname + window.location.search;
    navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
  }, []);
  return <p className="page-message">{t('app.signInFirst')}</p>;
}

export function App() {
  const { t, i18n } = useTranslation();
  const route = useRoute();
  // Read on every render: signing in or out navigates, which renders again.
  const staff = staffSession();
  // Each tab says which page it is, in the page's language.
  useEffect(() => {
    document.title = route.page === 'home' ? t('app.name') : `${t(`app.pageTitle.${route.page}`)} · ${t('app.name')}`;
  }, [route.page, t, i18n.language]);

  let page;
  switch (route.page) {
    case 'home':
      page = <HomePage />;
      break;
    case 'login':
      page = <LoginPage />;
      break;
    case 'join':
      page = <JoinPage invite={route.invite} />;
      break;
    case 'room': {
      // An invite session for this case, else the staff sign-in.
      const invited = roomSessions()[route.caseId];
      const staff = staffSession();
      const entry = invited
        ? { token: invited.token, me: invited.userId }
        : staff
          ? { token: staff.token, me: staff.user.id }
          : null;
      page = entry ? (
        <RoomPage
          key={`${route.caseId}:${entry.me}`}
          caseId={route.caseId}
          token={entry.token}
          me={entry.me}
          role={invited?.role ?? null}
        />
      ) : (
        <p role="alert" className="page-message">
          {t('room.notFound')}
        </p>
      );
      break;
    }
    case 'verify':
      page = <VerifyPage />;
      break;
    case 'complain':
      page = <IntakePage />;
      break;
    case 'track':
      page = <TrackPage trackingId={route.trackingId} />;
      break;
    case 'queue':
      page = staffSession() ? <QueuePage /> : <SignInFirst />;
      break;
    case 'staffCase':
      page = staffSession() ? <StaffCasePage caseId={route.caseId} /> : <SignInFirst />;
      break;
    case 'dashboard':
      page = staffSession() ? (
        <Suspense fallback={<p className="page-message">{t('dashboard.loading')}</p>}>
          <DashboardPage />
        </Suspense>
      ) : (
        <SignInFirst />
      );
      break;
    case 'mediators':
    case 'accounts': {
      // Accounts and mediators are the centre's administration: an admin's page, no one else's.
      const staff = staffSession();
      page = !staff ? (
        <SignInFirst />
      ) : staff.user.staffRole === 'admin' ? (
        route.page === 'mediators' ? (
          <MediatorsPage />
        ) : (
          <AccountsPage />
        )
      ) : (
        <p role="alert" className="page-message" data-testid="admins-only">
          {t('app.adminsOnly')}
        </p>
      );
      break;
    }
    case 'record': {
      const token = roomSessions()[route.caseId]?.token ?? staffSession()?.token;
      page = token ? (
        <RecordPage caseId={route.caseId} token={token} />
      ) : (
        <p className="page-message">{t('room.notFound')}</p>
      );
      break;
    }
    default:
      page = (
        <div className="page-message" data-testid="not-found">
          <p>{t('app.notFound')}</p>
          <a
            href="/"
            onClick={(e) => {
              e.preventDefault();
              navigate('/');
            }}
          >
            {t('app.backHome')}
          </a>
        </div>
      );
  }

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="app-bar">
        <a
          href="/"
          className="brand"
          onClick={(e) => {
            e.preventDefault();
            navigate('/');
          }}
        >
          {t('app.name')}
        </a>
        {staff && showsStaffNav(route.page) && <StaffNav staff={staff} page={route.page} />}
        <LanguageSwitch />
      </header>
      <main id="main">{page}</main>
    </>
  );
}
