/**
 * The dashboard tab's script. The server's page (src/tab/tabPages.ts) is a frame with no one's data in it; this
 * signs the person in (Teams single sign-on, or locally the development sign-in), fetches their content from
 * /tab/api with their token and puts it in `main`, then makes it work: charts, a measure's history on first open,
 * downloads with the token, the channel tab's configuration. Bundled by src/tools/bundleTab.ts.
 */
import { drawCharts, redrawCharts } from './charts.js';
import {
  choosePerson,
  forgetPerson,
  hidePersonBar,
  rememberedPerson,
  showPersonBar,
} from './developmentSignIn.js';
import { download } from './downloads.js';
import { openHistory } from './histories.js';
import { readShell, showMessage, type Shell, type Theme } from './shell.js';
import { fetchFragment, SignInFailed, type Authorize } from './signedFetch.js';
import { fitTables } from './tables.js';

const anonymous: Authorize = async () => undefined;

/** The page's one session: how requests are signed now (the development sign-in may change person). */
interface Session {
  shell: Shell;
  authorize: Authorize;
  loadingText: string;
}

async function start(): Promise<void> {
  const shell = readShell(document);
  if (!shell) return;
  const session: Session = {
    shell,
    authorize: anonymous,
    loadingText: shell.main.querySelector('.loading')?.textContent ?? '',
  };
  listen(session);
  switch (shell.signIn) {
    case 'teams':
      return inTeams(session);
    case 'development':
      return inDevelopment(session, false);
    case 'notSetUp':
      // The server says in the person's language that sign-in is not set up.
      await show(session);
      return;
  }
}

async function inTeams(session: Session): Promise<void> {
  // Loaded only in Teams: the development sign-in makes no call to the Teams library.
  const teams = await import('./teamsHost.js');
  try {
    session.authorize = await teams.joinTeams(applyTheme);
  } catch {
    showMessage(session.shell.main, session.shell.texts.tokenFailed);
    session.shell.main.setAttribute('aria-busy', 'false');
    return;
  }
  if (session.shell.purpose === 'config') teams.configureInTeams(session.shell.main, session.shell.texts);
  await show(session);
  teams.shownInTeams();
}

/** Locally without an app id: the person chosen in this browser tab, or the form to choose one. */
async function inDevelopment(session: Session, focus: boolean): Promise<void> {
  const { shell } = session;
  hidePersonBar();
  const person = rememberedPerson() ?? (await choosePerson(shell, focus));
  if (!person) return;
  session.authorize = async () => `Dev ${person.aadObjectId}`;
  showPersonBar(shell, person, () => {
    forgetPerson();
    void inDevelopment(session, true);
  });
  const status = await show(session);
  // Someone this server does not know (kept from another run): choose again.
  if (status === 401) {
    forgetPerson();
    await inDevelopment(session, focus);
    return;
  }
  if (focus) shell.main.focus();
}

/** The person's content in `main`, whatever its status: a refusal is a fragment in their language too. */
async function show(session: Session): Promise<number | undefined> {
  const { shell } = session;
  showLoading(session);
  try {
    const answer = await fetchFragment(shell.fragment, session.authorize);
    shell.main.innerHTML = answer.html;
    fitTables(shell.main);
    drawCharts(shell.main);
    return answer.status;
  } catch (err) {
    showMessage(shell.main, err instanceof SignInFailed ? shell.texts.tokenFailed : shell.texts.failed);
    return undefined;
  } finally {
    shell.main.setAttribute('aria-busy', 'false');
  }
}

function showLoading(session: Session): void {
  const loading = document.createElement('p');
  loading.className = 'loading';
  loading.setAttribute('role', 'status');
  loading.textContent = session.loadingText;
  session.shell.main.replaceChildren(loading);
  session.shell.main.setAttribute('aria-busy', 'true');
}

/** Histories and downloads, for whatever content `main` holds now. */
function listen(session: Session): void {
  const { main, texts } = session.shell;
  main.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[data-download]') : null;
    if (!(link instanceof HTMLAnchorElement)) return;
    event.preventDefault();
    void download(link, session.authorize, texts);
  });
  // `toggle` does not bubble; it is seen on the way down.
  main.addEventListener(
    'toggle',
    (event) => {
      const details = event.target;
      if (details instanceof HTMLDetailsElement && details.classList.contains('history')) {
        void openHistory(details, session.authorize, texts);
      }
    },
    true,
  );
}

function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  redrawCharts();
}

void start();
