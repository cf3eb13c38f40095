import { render } from "preact";
import { App } from "./components/app";
import { connectFirebase } from "./firebase";
import "./styles.css";

const root = document.getElementById("app")!;

connectFirebase().then(
  () => {
    root.textContent = ""; // the "Starting…" note of index.html
    render(<App />, root);
  },
  (error: unknown) => {
    root.innerHTML = "";
    const note = document.createElement("p");
    note.className = "state state-error";
    note.setAttribute("role", "alert");
    note.textContent = `The console could not start: ${error instanceof Error ? error.message : String(error)}`;
    root.append(note);
  },
);
