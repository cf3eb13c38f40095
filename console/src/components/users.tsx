import { useState } from "preact/hooks";
import { api } from "../api";
import { userAisPath } from "../router";
import type { UserLimits, UserSummary } from "../types";
import { Dialog, Empty, ErrorNote, formatTime, Link, Loading, useAction, useLoad } from "./ui";

const LIMIT_LABELS: Record<keyof UserLimits, string> = {
  ais: "AIs",
  memories_per_ai: "Memories per AI",
  requests_per_minute: "Requests per minute",
};

function LimitsDialog({ user, onClose }: { user: UserSummary; onClose: (changed: boolean) => void }) {
  const [limits, setLimits] = useState<UserLimits>(user.limits);
  const action = useAction();
  const save = async (event: Event) => {
    event.preventDefault();
    const saved = await action.run(() => api.patch(`/v1/users/${user.uid}`, { limits }));
    if (saved) onClose(true);
  };
  return (
    <Dialog title={`Limits of ${user.email ?? user.uid}`} onClose={() => onClose(false)}>
      <form class="stack" onSubmit={save}>
        {(Object.keys(LIMIT_LABELS) as Array<keyof UserLimits>).map((key) => (
          <label key={key}>
            {LIMIT_LABELS[key]}
            <input
              type="number"
              min={key === "ais" ? 0 : 1}
              required
              value={limits[key]}
              onInput={(e) => setLimits({ ...limits, [key]: Number(e.currentTarget.value) })}
            />
          </label>
        ))}
        {action.error ? <ErrorNote error={action.error} /> : null}
        <button type="submit" class="button primary" disabled={action.busy}>
          Save limits
        </button>
      </form>
    </Dialog>
  );
}

function DeleteDialog({ user, onClose }: { user: UserSummary; onClose: (changed: boolean) => void }) {
  const [typed, setTyped] = useState("");
  const action = useAction();
  const name = user.email ?? user.uid;
  const remove = async () => {
    if (await action.run(() => api.delete(`/v1/users/${user.uid}`))) onClose(true);
  };
  return (
    <Dialog title={`Delete ${name}`} onClose={() => onClose(false)}>
      <p>
        This deletes the account and everything it owns: {user.ai_count} AIs with their {user.memory_count} memories,
        history, rooms, sessions and chats. Type <code>{name}</code> to confirm.
      </p>
      <input aria-label="Account to delete" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
      {action.error ? <ErrorNote error={action.error} /> : null}
      <button
        type="button"
        class="button danger"
        disabled={typed !== name || action.busy}
        onClick={() => void remove()}
      >
        Delete everything
      </button>
    </Dialog>
  );
}

function UserRow({ user, onChanged }: { user: UserSummary; onChanged: () => void }) {
  const [dialog, setDialog] = useState<"limits" | "delete" | null>(null);
  const action = useAction();
  const close = (changed: boolean) => {
    setDialog(null);
    if (changed) onChanged();
  };
  const toggle = async () => {
    const status = user.status === "active" ? "disabled" : "active";
    if (await action.run(() => api.patch(`/v1/users/${user.uid}`, { status }))) onChanged();
  };
  return (
    <tr data-user={user.uid}>
      <th scope="row" data-label="User">
        <Link href={userAisPath(user.uid)}>{user.email ?? user.uid}</Link>
      </th>
      <td data-label="Status">
        <span class={`status status-${user.status}`}>{user.status}</span>
      </td>
      <td data-label="AIs" class="num">
        {user.ai_count} / {user.limits.ais}
      </td>
      <td data-label="Memories" class="num">
        {user.memory_count}
      </td>
      <td data-label="Last seen">{formatTime(user.last_seen)}</td>
      <td data-label="Actions" class="actions">
        <button type="button" class="button small" onClick={() => setDialog("limits")}>
          Limits
        </button>
        <button type="button" class="button small" disabled={action.busy} onClick={() => void toggle()}>
          {user.status === "active" ? "Disable" : "Enable"}
        </button>
        <button type="button" class="button small danger" onClick={() => setDialog("delete")}>
          Delete
        </button>
        {action.error ? <ErrorNote error={action.error} /> : null}
        {dialog === "limits" && <LimitsDialog user={user} onClose={close} />}
        {dialog === "delete" && <DeleteDialog user={user} onClose={close} />}
      </td>
    </tr>
  );
}

function Allowlist() {
  const loaded = useLoad(() => api.get<{ entries: string[] }>("/v1/allowlist"), "allowlist");
  const [text, setText] = useState<string | null>(null);
  const action = useAction();
  const shown = text ?? loaded.data?.entries.join("\n") ?? "";
  const save = async () => {
    const entries = shown.split(/[\s,]+/).filter(Boolean);
    if (!(await action.run(() => api.patch("/v1/allowlist", { entries })))) return;
    setText(null);
    loaded.reload();
  };
  return (
    <section class="card" aria-labelledby="allowlist-title">
      <h2 id="allowlist-title">Sign-up allowlist</h2>
      <p class="muted">
        Used when <code>SIGNUP_POLICY</code> is <code>allowlist</code>: one email or <code>@domain</code> per line.
      </p>
      <textarea aria-label="Allowlist" rows={4} value={shown} onInput={(e) => setText(e.currentTarget.value)} />
      {loaded.error || action.error ? <ErrorNote error={loaded.error ?? action.error} /> : null}
      <button type="button" class="button" disabled={action.busy} onClick={() => void save()}>
        Save allowlist
      </button>
    </section>
  );
}

/** The administrator's Users page: every user with their counts, limits, status; their AIs one click away. */
export function UsersPage() {
  const users = useLoad(() => api.get<{ users: UserSummary[] }>("/v1/users?limit=100").then((a) => a.users), "users");
  return (
    <section aria-labelledby="users-title">
      <div class="page-head">
        <h1 id="users-title">Users</h1>
      </div>
      {users.error ? <ErrorNote error={users.error} onRetry={users.reload} /> : null}
      {!users.data && users.loading && <Loading what="users" />}
      {users.data && users.data.length === 0 && <Empty>No user has signed in yet.</Empty>}
      {users.data && users.data.length > 0 && (
        <table class="table user-table">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">
                AIs
              </th>
              <th scope="col" class="num">
                Memories
              </th>
              <th scope="col">Last seen</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.data.map((user) => (
              <UserRow key={user.uid} user={user} onChanged={users.reload} />
            ))}
          </tbody>
        </table>
      )}
      <Allowlist />
    </section>
  );
}
