import { useSession } from '../state/sessionStore';
import { labelOf, useLabels } from './labels';

/** Top-5 of the selected model on the selected image; the true class is marked where known. */
export function Predictions() {
  const predictions = useSession((s) => s.predictions);
  const predicting = useSession((s) => s.predicting);
  const trueLabel = useSession((s) => s.image?.label);
  const model = useSession((s) => s.modelInfo?.name);
  const labels = useLabels();
  return (
    <section className="panel predictions" aria-labelledby="pred-title" aria-busy={predicting}>
      <h2 id="pred-title">
        Top-5 predictions {model && <span className="muted">· {model}</span>}
        {predicting && <span className="spinner" aria-label="computing" />}
      </h2>
      {predictions ? (
        <ol className="bars">
          {predictions.map((p, i) => (
            <li key={p.classIndex} className={p.classIndex === trueLabel ? 'is-true' : ''}>
              <span className="bar-name">
                <span className="bar-label" data-testid={i === 0 ? 'top1-label' : undefined}>
                  {labelOf(labels, p.classIndex)}
                </span>
                {p.classIndex === trueLabel && <span className="tag">true class</span>}
              </span>
              <span className="bar-track" aria-hidden="true">
                <span className="bar-fill" style={{ width: `${(p.prob * 100).toFixed(1)}%` }} />
              </span>
              <span className="bar-value" data-testid={i === 0 ? 'top1-prob' : undefined}>
                {p.prob.toFixed(3)}
              </span>
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">{predicting ? 'Computing…' : 'Predictions appear once a model and an image are chosen.'}</p>
      )}
      {trueLabel !== undefined && predictions && !predictions.some((p) => p.classIndex === trueLabel) && (
        <p className="muted small">True class: {labelOf(labels, trueLabel)} (not in the top 5).</p>
      )}
    </section>
  );
}
