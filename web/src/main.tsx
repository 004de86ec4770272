import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { loadConfig } from "./config";
import { initialLocale, loadCatalogue } from "./i18n";
import "./styles.css";

const root = createRoot(document.getElementById("root")!);
// A Spanish-speaking browser's catalogue is fetched alongside the configuration (the I18nProvider
// shows the loading state until it arrives, and English if it cannot be fetched).
loadCatalogue(initialLocale()).catch(() => undefined);
loadConfig()
  .then((config) =>
    root.render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    ),
  )
  .catch((error: unknown) => {
    const p = document.createElement("p");
    p.setAttribute("role", "alert");
    p.textContent = `The portal could not start: ${String(error)}`;
    document.getElementById("root")!.replaceChildren(p);
  });
