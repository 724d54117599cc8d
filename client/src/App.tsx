import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBoundary } from 'react-error-boundary';
import { LanguageSwitch } from './app/LanguageSwitch';
import { navigate, useRoute, type Route } from './app/router';
import { roomSessions, staffSession } from './app/session';
import { StaffNav } from './staff/StaffNav';
import { loadAllStrings } from './i18n';
import { showsStaffNav } from './staff/nav';

// Every page is its own chunk, loaded when it is opened: a borrower filing a complaint on a phone
// downloads the form, not the editor, the call or the staff pages (budgets: test/integration/bundle-budget).
// The pages a borrower opens first take only their own strings; the others wait for all of them.
const withAllStrings = <T,>(page: Promise<T>): Promise<T> => Promise.all([page, loadAllStrings()]).then(([m]) => m);
const load = {
  home: () => withAllStrings(import('./cases/HomePage')),
  login: () => import('./auth/LoginPage'),
  join: () => import('./auth/JoinPage'),
  complain: () => import('./intake/IntakePage'),
  track: () => import('./intake/TrackPage'),
  room: () => withAllStrings(import('./room/RoomPage')),
  record: () => withAllStrings(import('./outcome/RecordPage')),
  verify: () => withAllStrings(import('./outcome/VerifyPage')),
  queue: () => withAllStrings(import('./review/QueuePage')),
  staffCase: () => withAllStrings(import('./review/StaffCasePage')),
  accounts: () => withAllStrings(import('./review/AccountsPage')),
  mediators: () => withAllStrings(import('./review/MediatorsPage')),
  dashboard: () => withAllStrings(import('./dashboard/DashboardPage')),
} satisfies Partial<Record<Route['page'], () => Promise<unknown>>>;

/** Starts loading a page's code at once (main.tsx calls it while the language's strings load). */
export function preloadPage(page: Route['page']): void {
  if (page in load) void load[page as keyof typeof load]();
}

const HomePage = lazy(() => load.home().then((m) => ({ default: m.HomePage })));
const LoginPage = lazy(() => load.login().then((m) => ({ default: m.LoginPage })));
const JoinPage = lazy(() => load.join().then((m) => ({ default: m.JoinPage })));
const IntakePage = lazy(() => load.complain().then((m) => ({ default: m.IntakePage })));
const TrackPage = lazy(() => load.track().then((m) => ({ default: m.TrackPage })));
const RoomPage = lazy(() => load.room().then((m) => ({ default: m.RoomPage })));
const RecordPage = lazy(() => load.record().then((m) => ({ default: m.RecordPage })));
const VerifyPage = lazy(() => load.verify().then((m) => ({ default: m.VerifyPage })));
const QueuePage = lazy(() => load.queue().then((m) => ({ default: m.QueuePage })));
const StaffCasePage = lazy(() => load.staffCase().then((m) => ({ default: m.StaffCasePage })));
const AccountsPage = lazy(() => load.accounts().then((m) => ({ default: m.AccountsPage })));
const MediatorsPage = lazy(() => load.mediators().then((m) => ({ default: m.MediatorsPage })));
const DashboardPage = lazy(() => load.dashboard().then((m) => ({ default: m.DashboardPage })));

/**
 * A page whose code did not arrive (a weak network, a deploy since the page was opened): said in words,
 * with the way out, instead of an empty screen. React keeps a failed chunk's failure, so it reloads.
 */
function PageFailed() {
  const { t } = useTranslation();
  return (
    <div className="page-message" role="alert" data-testid="page-failed">
      <p>{t('app.pageFailed')}</p>
      <button type="button" onClick={() => window.location.reload()}>
        {t('app.reload')}
      </button>
    </div>
  );
}

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
          {t('app.roomNotFound')}
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
      page = staffSession() ? <DashboardPage /> : <SignInFirst />;
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
        <p className="page-message">{t('app.roomNotFound')}</p>
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
      <main id="main">
        <ErrorBoundary
          FallbackComponent={PageFailed}
          resetKeys={[route]}
          onError={(error) => console.error('page failed to load', error)}
        >
          <Suspense
            fallback={
              <p className="page-message" role="status">
                {t('app.loading')}
              </p>
            }
          >
            {page}
          </Suspense>
        </ErrorBoundary>
      </main>
    </>
  );
}
