import { signOut } from "firebase/auth";
import { firebase } from "../firebase";
import { routeOf, usePath } from "../router";
import { ownerOf, type Session, useSession } from "../session";
import { AiList } from "./ai-list";
import { AiPage } from "./ai-page";
import { SignIn } from "./sign-in";
import { UsersPage } from "./users";
import { Empty, Link, Loading } from "./ui";

function Header({ session }: { session: Session }) {
  const { emulator, projectId } = firebase();
  const user = "user" in session ? session.user : null;
  return (
    <header class="topbar">
      <Link href="/" class="brand">
        AI Memory <span class="brand-sub">console</span>
      </Link>
      <span class="project" title="Firebase project">
        {projectId}
        {emulator && <span class="badge">emulator</span>}
      </span>
      {session.state === "admin" && (
        <nav class="topnav" aria-label="Console">
          <Link href="/">AIs</Link>
          <Link href="/users">Users</Link>
        </nav>
      )}
      {user && (
        <span class="account">
          <span class="account-email">{user.email}</span>
          <button type="button" class="button small" onClick={() => void signOut(firebase().auth)}>
            Sign out
          </button>
        </span>
      )}
    </header>
  );
}

/** The admin's views and a user's: the same AI pages, a user's limited to their own AIs. */
function Routes({ session }: { session: Session }) {
  const route = routeOf(usePath());
  const owner = ownerOf(session);
  if (route.view === "ais") return <AiList owner={owner} viewing={owner ? undefined : route.owner} />;
  if (route.view === "users" && session.state === "admin") return <UsersPage />;
  if (route.view === "ai") return <AiPage aiUuid={route.aiUuid} tab={route.tab} />;
  return (
    <Empty>
      No page here. <Link href="/">Back to the AIs</Link>
    </Empty>
  );
}

export function App() {
  const session = useSession();
  return (
    <>
      <Header session={session} />
      <main class="main">
        {session.state === "loading" && <Loading what="your session" />}
        {session.state === "checking" && <Loading what="your access" />}
        {(session.state === "signed-out" || session.state === "refused") && <SignIn session={session} />}
        {(session.state === "admin" || session.state === "user") && <Routes session={session} />}
      </main>
    </>
  );
}
