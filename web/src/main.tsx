import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { loadConfig } from "./config";
import "./styles.css";

const root = createRoot(document.getElementById("root")!);
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
