import { useEffect, useState } from 'react';
import { useSession } from '../state/sessionStore';
import { useController } from '../state/sessionContext';
import type { SampleRef } from '../state/sessionController';
import { dropTarget, FileDrop } from './FileDrop';

/** Sample images (ClickMe with human maps, CC0 photos) and the user's own image and map. */
export function Gallery() {
  const controller = useController();
  const selectedId = useSession((s) => s.image?.id);
  const [samples, setSamples] = useState<SampleRef[]>([]);
  useEffect(() => {
    let live = true;
    controller.samples().then((s) => live && setSamples(s), () => {});
    return () => {
      live = false;
    };
  }, [controller]);

  const groups: [string, SampleRef[]][] = [
    ['ClickMe samples · with human maps', samples.filter((s) => s.kind === 'clickme')],
    ['Photos · CC0 / public domain', samples.filter((s) => s.kind === 'photo')],
  ];
  return (
    <section className="panel gallery" aria-labelledby="gallery-title" {...dropTarget(([f]) => void controller.uploadImage(f))}>
      <h2 id="gallery-title">Image</h2>
      {groups.map(([title, list]) =>
        list.length ? (
          <div key={title}>
            <h3>{title}</h3>
            <ul className="thumbs" data-testid={`gallery-${list[0].kind}`}>
              {list.map((s) => (
                <li key={s.id}>
                  <button
                    type="button"
                    className="thumb"
                    aria-pressed={s.id === selectedId}
                    title={s.name}
                    data-sample={s.id}
                    onClick={() => void controller.selectSample(s)}
                  >
                    <img src={s.imageUrl} alt={s.name} loading="lazy" />
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ) : null,
      )}
      <h3>Your own</h3>
      <div className="uploads">
        <FileDrop
          label="Upload an image"
          hint="PNG, JPEG or WebP · click or drop"
          accept="image/*"
          testId="image-upload"
          onFiles={([f]) => void controller.uploadImage(f)}
        />
        <FileDrop
          label="Add a heatmap"
          hint="gray or colour-mapped (jet, viridis…), for the current image"
          accept="image/*"
          testId="heatmap-upload"
          onFiles={([f]) => void controller.uploadHeatmap(f)}
        />
      </div>
    </section>
  );
}
