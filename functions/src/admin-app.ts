import { type App, getApps, initializeApp } from "firebase-admin/app";

/**
 * The default Admin SDK app. firebase-functions keeps an app of its own ("__admin__") in trigger
 * instances, so "no apps yet" is the wrong test: look for the default one by name.
 */
export function adminApp(): App {
  return getApps().find((candidate) => candidate.name === "[DEFAULT]") ?? initializeApp();
}
