import { createRequire } from "node:module";

/**
 * The Admin SDK of functions/, loaded from there: test-support/ sits beside functions/, not in it,
 * and the tests must share the SDK of the code they drive (one copy: a Timestamp or FieldValue made
 * by another copy is not one to it). Its types come from the same files.
 */
const fromFunctions = createRequire(new URL("../functions/package.json", import.meta.url));

type AppSdk = typeof import("../functions/node_modules/firebase-admin/lib/app/index");
type AuthSdk = typeof import("../functions/node_modules/firebase-admin/lib/auth/index");
type FirestoreSdk = typeof import("../functions/node_modules/firebase-admin/lib/firestore/index");
export type { Firestore } from "../functions/node_modules/firebase-admin/lib/firestore/index";

export const { getApp, getApps, initializeApp } = fromFunctions("firebase-admin/app") as AppSdk;
export const { getAuth } = fromFunctions("firebase-admin/auth") as AuthSdk;
export const { getFirestore, Timestamp } = fromFunctions("firebase-admin/firestore") as FirestoreSdk;
