import { type FirebaseOptions, initializeApp } from "firebase/app";
import { type Auth, connectAuthEmulator, getAuth } from "firebase/auth";
import { connectFirestoreEmulator, type Firestore, getFirestore } from "firebase/firestore";

export interface FirebaseHandles {
  auth: Auth;
  db: Firestore;
  projectId: string;
  /** True when the page talks to the local emulators (npm start, npm test). */
  emulator: boolean;
}

/** What Hosting's `/__/firebase/init.js?useEmulator=true` hands a Firebase SDK. */
interface HostingInit {
  config: FirebaseOptions | null;
  authUrl: string | null;
  firestore: { host: string; port: number } | null;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * On the Hosting emulator the page asks Hosting itself where the emulators are: its reserved
 * `/__/firebase/init.js?useEmulator=true` calls `firebase.auth().useEmulator(url)` and
 * `firebase.firestore().useEmulator(host, port)` with the running emulators' addresses. A small
 * stand-in for the compat `firebase` global records those calls. Each emulator run answers its own
 * project and ports, so one build serves npm start, npm test and production alike.
 */
function readEmulatorInit(): Promise<HostingInit> {
  const found: HostingInit = { config: null, authUrl: null, firestore: null };
  const global = window as unknown as { firebase?: unknown };
  global.firebase = {
    initializeApp: (config: FirebaseOptions) => {
      found.config = config;
    },
    auth: () => ({ useEmulator: (url: string) => (found.authUrl = url) }),
    firestore: () => ({ useEmulator: (host: string, port: number) => (found.firestore = { host, port }) }),
  };
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/__/firebase/init.js?useEmulator=true";
    script.onload = () => {
      delete global.firebase;
      script.remove();
      resolve(found);
    };
    script.onerror = () => reject(new Error("Hosting's /__/firebase/init.js did not load"));
    document.head.append(script);
  });
}

/** In production, Firebase Hosting serves the project's web app config at this reserved URL. */
async function readProductionConfig(): Promise<HostingInit> {
  const response = await fetch("/__/firebase/init.json");
  if (!response.ok) throw new Error(`/__/firebase/init.json answered ${response.status}: is this page served by Firebase Hosting?`);
  return { config: (await response.json()) as FirebaseOptions, authUrl: null, firestore: null };
}

let handles: FirebaseHandles | null = null;

/** Reads the web config from Hosting, starts Firebase, and connects to the emulators when they run. */
export async function connectFirebase(): Promise<FirebaseHandles> {
  const init = LOOPBACK.has(location.hostname) ? await readEmulatorInit() : await readProductionConfig();
  if (!init.config?.projectId) throw new Error("Firebase Hosting gave no web app config (projectId missing)");
  const app = initializeApp(init.config);
  const auth = getAuth(app);
  const db = getFirestore(app);
  if (init.authUrl) connectAuthEmulator(auth, init.authUrl, { disableWarnings: true });
  if (init.firestore) connectFirestoreEmulator(db, init.firestore.host, init.firestore.port);
  handles = { auth, db, projectId: init.config.projectId, emulator: Boolean(init.authUrl && init.firestore) };
  return handles;
}

export function firebase(): FirebaseHandles {
  if (!handles) throw new Error("connectFirebase() has not run");
  return handles;
}
