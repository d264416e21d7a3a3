import { useEffect, useRef, useState } from 'react';
import { imageToRgba, mapToRgba } from '../charts/colormap';
import { useSession } from '../state/sessionStore';

/** What the model sees: the cropped, resized input, with the human map over it when there is one. */
export function CurrentImage() {
  const image = useSession((s) => s.image);
  const input = useSession((s) => s.modelInput);
  const [opacity, setOpacity] = useState(0.4);
  const imageCanvas = useRef<HTMLCanvasElement>(null);
  const mapCanvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    if (!input) return;
    paint(imageCanvas.current, imageToRgba(input.pixels, input.size, input.size), input.size);
    if (input.heatmap) paint(mapCanvas.current, mapToRgba(input.heatmap, 'inferno', { min: 0, max: 1 }), input.size);
  }, [input]);

  const hasMap = Boolean(input?.heatmap);
  const origin = image?.heatmapOrigin === 'user' ? 'your own map' : 'ClickMe human map';
  return (
    <section className="panel current" aria-labelledby="current-title">
      <h2 id="current-title">
        {image ? image.name : 'No image yet'}
        {input && <span className="muted"> · {input.size}×{input.size} model input</span>}
      </h2>
      <div className="stage" data-testid="current-image" data-image-id={image?.id ?? ''}>
        {input ? (
          <>
            <canvas ref={imageCanvas} width={input.size} height={input.size} aria-label={`${image?.name} as the model sees it`} />
            {hasMap && (
              <canvas
                ref={mapCanvas}
                className="overlay"
                width={input.size}
                height={input.size}
                style={{ opacity }}
                aria-hidden="true"
              />
            )}
          </>
        ) : image ? (
          // No model yet: show the picture itself, centre-cropped like the model input will be.
          <img className="stage-photo" src={image.displayUrl} alt={image.name} />
        ) : (
          <div className="stage-empty">Pick an image from the gallery or upload your own.</div>
        )}
      </div>
      {hasMap && image?.heatmapReading && (
        <p className="muted small" data-testid="heatmap-reading">
          Your map was read as {image.heatmapReading}.
        </p>
      )}
      {hasMap ? (
        <label className="slider">
          <span>
            {origin} <span className="muted">(inferno: bright = important)</span>
          </span>
          <input
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={opacity}
            onChange={(e) => setOpacity(Number(e.target.value))}
            aria-label="Human map opacity"
          />
        </label>
      ) : (
        input && <p className="muted small">No human map for this image; add one with “Add a heatmap”.</p>
      )}
    </section>
  );
}

function paint(canvas: HTMLCanvasElement | null, rgba: Uint8ClampedArray, size: number): void {
  const ctx = canvas?.getContext('2d');
  if (!ctx) return;
  ctx.putImageData(new ImageData(new Uint8ClampedArray(rgba), size, size), 0, 0);
}
