import { useMemo } from "react";
import { create } from "qrcode";

// A QR code drawn as SVG from the library's modules: no data URL, no inline markup, so the
// content security policy stays as it is. The setup key is shown as text beside it (Enrol.tsx).

/** Modules around the code that stay light, as scanners expect. */
const QUIET = 4;

/** The dark modules of `text`'s QR code as one SVG path, and the side of the whole square. */
export function qrPath(text: string): { side: number; d: string } {
  const { modules } = create(text, { errorCorrectionLevel: "M" });
  const parts: string[] = [];
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.get(row, col)) parts.push(`M${col + QUIET} ${row + QUIET}h1v1h-1z`);
    }
  }
  return { side: modules.size + 2 * QUIET, d: parts.join("") };
}

export function QrCode({ text, label }: { text: string; label: string }) {
  const { side, d } = useMemo(() => qrPath(text), [text]);
  return (
    <svg className="qr-code" role="img" aria-label={label} viewBox={`0 0 ${side} ${side}`} width="220" height="220" shapeRendering="crispEdges">
      <rect width={side} height={side} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
