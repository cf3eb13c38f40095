import { onAuthStateChanged, type User } from "firebase/auth";
import { useEffect, useState } from "preact/hooks";
import { ApiError, api, messageOf } from "./api";
import { firebase } from "./firebase";
import type { Me } from "./types";

/** Where the signed-in person stands: the admin sees every AI, a user their own, anyone else why not. */
export type Session =
  | { state: "loading" }
  | { state: "signed-out" }
  | { state: "checking"; user: User }
  | { state: "admin"; user: User }
  | { state: "user"; user: User; me: Me }
  | { state: "refused"; user: User; message: string };

/**
 * Asks the API who this is. The admin is a user with the `admin: true` claim, or whose verified
 * email is ADMIN_EMAIL: the second kind asks the API for the claim (firestore.rules read only
 * claims), then refreshes its ID token so the Firestore listeners carry it. A user the sign-up
 * policy admits gets their own AIs; anyone else is told the API's reason (the policy).
 */
async function checkAccess(user: User): Promise<Session> {
  const token = await user.getIdTokenResult();
  if (token.claims.admin === true) return { state: "admin", user };
  try {
    const me = await api.get<Me>("/v1/me");
    if (me.kind !== "admin") return { state: "user", user, me };
    await api.post("/v1/admin/claim");
    await user.getIdToken(true);
    return { state: "admin", user };
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 401)) {
      return {
        state: "refused",
        user,
        message: `${user.email ?? "This account"} may not use this console: ${error.message}`,
      };
    }
    return { state: "refused", user, message: `Could not check your access: ${messageOf(error)}` };
  }
}

/** The signed-in person's uid when they are a user (whose views show only their own AIs), else null. */
export const ownerOf = (session: Session): string | null => (session.state === "user" ? session.me.uid : null);

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
        void checkAccess(user).then((next) => {
          // A sign-out or another sign-in meanwhile wins.
          if (firebase().auth.currentUser?.uid === user.uid) setSession(next);
        });
      }),
    [],
  );
  return session;
}
