import { onAuthStateChanged, type User } from "firebase/auth";
import { useEffect, useState } from "preact/hooks";
import { ApiError, api, messageOf } from "./api";
import { firebase } from "./firebase";

/** Where the signed-in user stands: only an admin gets past the sign-in page. */
export type Session =
  | { state: "loading" }
  | { state: "signed-out" }
  | { state: "checking"; user: User }
  | { state: "admin"; user: User }
  | { state: "refused"; user: User; message: string };

/**
 * The admin is a user with the `admin: true` claim, or whose verified email is ADMIN_EMAIL. The
 * second kind asks the API for the claim (firestore.rules read only claims), then refreshes its
 * ID token so the Firestore listeners carry it.
 */
async function checkAdmin(user: User): Promise<Session> {
  const token = await user.getIdTokenResult();
  if (token.claims.admin === true) return { state: "admin", user };
  try {
    await api.post("/v1/admin/claim");
    await user.getIdToken(true);
    return { state: "admin", user };
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) {
      return {
        state: "refused",
        user,
        message: `${user.email ?? "This account"} is not the administrator of this project. Sign in with the admin account (the ADMIN_EMAIL user, or a user with the admin claim).`,
      };
    }
    return { state: "refused", user, message: `Could not check your access: ${messageOf(error)}` };
  }
}

export function useSession(): Session {
  const [session, setSession] = useState<Session>({ state: "loading" });
  useEffect(
    () =>
      onAuthStateChanged(firebase().auth, (user) => {
        if (!user) {
          setSession({ state: "signed-out" });
          return;
        }
        setSession({ state: "checking", user });
        void checkAdmin(user).then((next) => {
          // A sign-out or another sign-in meanwhile wins.
          if (firebase().auth.currentUser?.uid === user.uid) setSession(next);
        });
      }),
    [],
  );
  return session;
}
