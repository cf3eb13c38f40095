import { useAiView } from "../live/ai-view";
import { usePresence } from "../live/presence";
import { AI_TABS, type AiTab, aiPath } from "../router";
import type { AiView } from "../types";
import { Board } from "./board";
import { Conversations } from "./conversations";
import { DataTransfer } from "./data-transfer";
import { Playground } from "./playground";
import { RoomFeed } from "./room-feed";
import { AiSettingsPanel } from "./settings";
import { ToolsPanel } from "./tools";
import { Empty, ErrorNote, Link, Loading } from "./ui";

const TAB_LABELS: Record<AiTab, string> = {
  board: "Memory board",
  room: "Room",
  conversations: "Conversations",
  playground: "Playground",
  tools: "Tools",
  data: "Export / import",
  settings: "Settings",
};

interface TabProps {
  ai: AiView;
  tab: AiTab;
  reload: () => void;
  hold: (holding: boolean) => void;
  changes: number;
}

function TabContent({ ai, tab, reload, hold, changes }: TabProps) {
  switch (tab) {
    case "board":
      return <Board ai={ai} roomChanges={changes} />;
    case "room":
      return <RoomFeed ai={ai} />;
    case "conversations":
      return <Conversations ai={ai} />;
    case "playground":
      return <Playground ai={ai} />;
    case "tools":
      return <ToolsPanel ai={ai} />;
    case "data":
      return <DataTransfer ai={ai} />;
    case "settings":
      return <AiSettingsPanel ai={ai} onChanged={reload} onDeleting={hold} />;
  }
}

export function AiPage({ aiUuid, tab }: { aiUuid: string; tab: AiTab }) {
  const ai = useAiView(aiUuid);
  const online = usePresence(aiUuid);
  if (ai.gone) {
    return (
      <Empty>
        This AI no longer exists (it was deleted). <Link href="/">Back to the AIs</Link>
      </Empty>
    );
  }
  if (!ai.data) {
    return ai.error ? (
      <>
        <ErrorNote error={ai.error} onRetry={ai.reload} />
        <Link href="/">Back to the AIs</Link>
      </>
    ) : (
      <Loading what="the AI" />
    );
  }
  const view = ai.data;
  return (
    <section aria-labelledby="ai-title">
      <div class="page-head">
        <div>
          <Link href="/" class="crumb">
            ← AIs
          </Link>
          <h1 id="ai-title">{view.ai_name}</h1>
        </div>
        <div class="ai-facts">
          <span class={`status status-${view.status}`}>{view.status}</span>
          <span
            class={online.length ? "online on" : "online"}
            title={online.map((entry) => entry.client_id).join(", ")}
          >
            {online.length} connected
          </span>
        </div>
      </div>
      <nav class="tabs" aria-label="AI views">
        {AI_TABS.map((each) => (
          <Link key={each} href={aiPath(aiUuid, each)} class="tab" aria-current={each === tab ? "page" : undefined}>
            {TAB_LABELS[each]}
          </Link>
        ))}
      </nav>
      {ai.error ? <ErrorNote error={ai.error} onRetry={ai.reload} /> : null}
      <TabContent ai={view} tab={tab} reload={ai.reload} hold={ai.hold} changes={ai.changes} />
    </section>
  );
}
