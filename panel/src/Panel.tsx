// The panel: consent first, then the recording's recommendations with
// their reasons; a layout opens (the app reloads with `?layoutUrl=`), is
// downloaded, or has its panels added beside this one; an extension links
// to its entry in Sora's marketplace. Settings: the server, and consent.
import type { PanelExtensionContext, SettingsTreeAction } from "@lichtblick/suite";
import type { RecommendedItem } from "@sora/client";
import { ReactElement, useEffect, useLayoutEffect, useMemo, useState } from "react";
import { createRoot } from "react-dom/client";

import packageJson from "../package.json";
import { soraApi } from "./api";
import { watchRecording } from "./context";
import { type LoopState, RecommendationLoop } from "./loop";
import { type PanelConfig, configFrom, defaultServer, serversOf } from "./settings";

const VERSION = packageJson.version;

function appLocation(): { protocol: string; origin: string; pathname: string } | undefined {
  return typeof window !== "undefined" ? window.location : undefined;
}

/** The app's address with `?layoutUrl=` set, when the app is a web page. */
function reopenUrl(layoutUrl: string): string | undefined {
  const location = appLocation();
  if (!location || !location.protocol.startsWith("http")) {
    return undefined;
  }
  const url = new URL(window.location.href);
  url.searchParams.set("layoutUrl", layoutUrl);
  return url.toString();
}

function Item({
  item,
  config,
  loop,
  context,
}: {
  item: RecommendedItem;
  config: PanelConfig;
  loop: RecommendationLoop;
  context: PanelExtensionContext;
}): ReactElement {
  const [panels, setPanels] = useState<string[]>([]);
  const base = config.server;
  useEffect(() => {
    if (item.kind !== "layout") {
      return;
    }
    // The panel types the layout places, to add beside this one.
    void fetch(`${base}/api/layouts/${encodeURIComponent(item.id)}`)
      .then(async (response) => (response.ok ? ((await response.json()) as { panels?: string[] }) : {}))
      .then((details) => setPanels((details.panels ?? []).slice(0, 4)))
      .catch(() => setPanels([]));
  }, [base, item.id, item.kind]);
  const download = `${base}/api/layouts/${encodeURIComponent(item.id)}/download`;
  const reopen = item.kind === "layout" ? reopenUrl(download) : undefined;
  const accept = () => loop.accepted(item);
  return (
    <li style={{ marginBottom: "0.75rem" }}>
      <b>{item.name}</b> <small>({item.kind === "layout" ? "layout" : `extension ${item.version ?? ""}`})</small>
      <ul style={{ margin: "0.25rem 0", paddingLeft: "1.2rem" }}>
        {item.reasons.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
      {item.kind === "layout" ? (
        <>
          {reopen && (
            <a href={reopen} onClick={accept} title="The app reloads with this layout">
              Open (reloads the app)
            </a>
          )}{" "}
          <a href={download} download onClick={accept}>
            Download to import
          </a>{" "}
          {panels.map((type) => (
            <button
              key={type}
              onClick={() => {
                accept();
                context.layout.addPanel({
                  position: "sibling",
                  type,
                  updateIfExists: false,
                  getState: () => undefined,
                });
              }}
            >
              Add {type} here
            </button>
          ))}
        </>
      ) : (
        <a href={`${base}/api/extensions/${encodeURIComponent(item.id)}`} target="_blank" rel="noreferrer" onClick={accept}>
          See it in the marketplace
        </a>
      )}{" "}
      <button onClick={() => loop.dismissed(item)} title="Not for me">
        Dismiss
      </button>
    </li>
  );
}

function Consent({ loop, server }: { loop: RecommendationLoop; server: string }): ReactElement {
  return (
    <div>
      <p>
        Sora can recommend layouts and extensions for this recording. To do so the panel sends{" "}
        <b>{server}</b> the names of the recording&apos;s topics, their schema names and its
        profile, never its messages; and, to learn which recommendations help, which ones you see,
        open or dismiss, and your ratings, with a random id of this installation.
      </p>
      <p>Nothing is sent until you agree. You can change your mind in the panel&apos;s settings.</p>
      <button onClick={() => loop.grant()}>Agree</button>{" "}
      <button onClick={() => loop.deny()}>No thanks</button>
    </div>
  );
}

function Rating({ loop }: { loop: RecommendationLoop }): ReactElement {
  const [comment, setComment] = useState("");
  const [sent, setSent] = useState(false);
  if (sent) {
    return <p>Thank you.</p>;
  }
  return (
    <div>
      How good are these?{" "}
      {[1, 2, 3, 4, 5].map((n) => (
        <button
          key={n}
          onClick={() => {
            loop.rate(n, comment);
            setSent(true);
          }}
        >
          {n}
        </button>
      ))}
      <br />
      <input
        placeholder="A comment (optional)"
        maxLength={2000}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        style={{ width: "100%" }}
      />
    </div>
  );
}

function RecommendationsPanel({ context }: { context: PanelExtensionContext }): ReactElement {
  const [config, setConfig] = useState<PanelConfig>(() =>
    configFrom(context.initialState, defaultServer(appLocation())),
  );
  const loop = useMemo(
    () =>
      new RecommendationLoop({
        api: soraApi(serversOf(config)),
        store: window.localStorage,
        version: VERSION,
      }),
    [config],
  );
  const [state, setState] = useState<LoopState>(loop.state);

  useEffect(() => {
    setState(loop.state);
    const unsubscribe = loop.subscribe(setState);
    return () => {
      unsubscribe();
      loop.dispose();
    };
  }, [loop]);

  useLayoutEffect(() => {
    watchRecording(context, loop);
  }, [context, loop]);

  useEffect(() => {
    if (state.status === "ready" && state.items.length > 0) {
      loop.displayed();
    }
  }, [loop, state.status, state.items, state.recommendationId]);

  // Settings: the server, and consent (kept on this machine).
  useEffect(() => {
    const handler = (action: SettingsTreeAction) => {
      if (action.action !== "update") {
        return;
      }
      const [, key] = action.payload.path;
      const value = action.payload.value;
      if (key === "send") {
        value === true ? loop.grant() : loop.deny();
        return;
      }
      if (key === "server" || key === "recommendations" || key === "feedback") {
        const next = configFrom({ ...config, [key]: value }, defaultServer(appLocation()));
        context.saveState(next);
        setConfig(next);
      }
    };
    context.updatePanelSettingsEditor({
      actionHandler: handler,
      nodes: {
        sora: {
          label: "Sora",
          fields: {
            server: { label: "Server", input: "string", value: config.server },
            recommendations: {
              label: "Recommendations at",
              input: "string",
              value: config.recommendations,
              placeholder: "the server",
            },
            feedback: {
              label: "Feedback at",
              input: "string",
              value: config.feedback,
              placeholder: "the server",
            },
            send: {
              label: "Recommend and send feedback",
              input: "boolean",
              value: state.consent === "granted",
              help: "Kept on this computer, not in the layout. Turning it off drops what is waiting to be sent.",
            },
          },
        },
      },
    });
  }, [context, config, loop, state.consent]);

  return (
    <div style={{ padding: "0.75rem", overflowY: "auto", height: "100%", boxSizing: "border-box" }}>
      {state.consent === "unasked" && <Consent loop={loop} server={config.server} />}
      {state.consent === "denied" && (
        <p>
          Recommendations are off: nothing about your recordings is sent.{" "}
          <button onClick={() => loop.grant()}>Turn them on</button>
        </p>
      )}
      {state.consent === "granted" && (
        <>
          {state.status === "idle" && <p>Open a recording to get recommendations.</p>}
          {state.status === "loading" && <p>Asking Sora…</p>}
          {state.status === "error" && <p>Sora could not be reached ({state.error}).</p>}
          {state.status === "ready" && state.items.length === 0 && (
            <p>Nothing to recommend for this recording yet.</p>
          )}
          {state.items.length > 0 && (
            <>
              <ul style={{ paddingLeft: "1rem" }}>
                {state.items.map((item) => (
                  <Item key={`${item.kind}:${item.id}`} item={item} config={config} loop={loop} context={context} />
                ))}
              </ul>
              <Rating key={state.recommendationId} loop={loop} />
            </>
          )}
          {state.queued > 0 && <small>{state.queued} feedback events waiting to be sent.</small>}
        </>
      )}
    </div>
  );
}

export function initRecommendationsPanel(context: PanelExtensionContext): () => void {
  const root = createRoot(context.panelElement);
  root.render(<RecommendationsPanel context={context} />);
  return () => root.unmount();
}
