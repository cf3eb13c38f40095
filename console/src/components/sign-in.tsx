import { GoogleAuthProvider, signInWithEmailAndPassword, signInWithPopup, signOut } from "firebase/auth";
import { useState } from "preact/hooks";
import { firebase } from "../firebase";
import type { Session } from "../session";
import { ErrorNote, useAction } from "./ui";

const FRIENDLY: Record<string, string> = {
  "auth/invalid-credential": "Wrong email or password.",
  "auth/wrong-password": "Wrong email or password.",
  "auth/user-not-found": "Wrong email or password.",
  "auth/invalid-email": "That is not an email address.",
  "auth/user-disabled": "This account is disabled.",
  "auth/too-many-requests": "Too many attempts: wait a moment and try again.",
  "auth/operation-not-allowed": "Email and password sign-in is not enabled for this project: use Google.",
  "auth/popup-closed-by-user": "The Google window was closed before signing in.",
};

const friendly = (error: unknown): Error => {
  const code = (error as { code?: string }).code ?? "";
  return new Error(FRIENDLY[code] ?? (error instanceof Error ? error.message : String(error)));
};

function PasswordForm() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(() =>
      signInWithEmailAndPassword(firebase().auth, email.trim(), password).catch((error: unknown) =>
        Promise.reject(friendly(error)),
      ),
    );
  };
  return (
    <form class="stack" onSubmit={submit}>
      <label>
        Email
        <input
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
      </label>
      <label>
        Password
        <input
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </label>
      {action.error ? <ErrorNote error={action.error} /> : null}
      <button type="submit" class="button primary" disabled={action.busy}>
        {action.busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}

export function SignIn({ session }: { session: Extract<Session, { state: "signed-out" | "refused" }> }) {
  const { emulator } = firebase();
  const google = useAction();
  if (session.state === "refused") {
    return (
      <section class="card narrow" aria-labelledby="refused-title">
        <h1 id="refused-title">No access</h1>
        <p role="alert" class="state state-error">
          {session.message}
        </p>
        <button type="button" class="button primary" onClick={() => void signOut(firebase().auth)}>
          Sign out and use another account
        </button>
      </section>
    );
  }
  return (
    <section class="card narrow" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <p class="muted">The administrator sees every AI; anyone the project lets in sees their own.</p>
      {emulator ? (
        <>
          <p class="hint">
            Local emulators: <code>npm start</code> printed the admin's and a user's email and password.
          </p>
          <PasswordForm />
        </>
      ) : (
        <>
          <button
            type="button"
            class="button primary"
            disabled={google.busy}
            onClick={() =>
              void google.run(() =>
                signInWithPopup(firebase().auth, new GoogleAuthProvider()).catch((error: unknown) =>
                  Promise.reject(friendly(error)),
                ),
              )
            }
          >
            Sign in with Google
          </button>
          {google.error ? <ErrorNote error={google.error} /> : null}
          <details class="more">
            <summary>Use email and password</summary>
            <PasswordForm />
          </details>
        </>
      )}
    </section>
  );
}
