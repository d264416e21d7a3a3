import { CATALOGUE } from '../../core/models/catalogue';
import type { ModelInfo } from '../../core/models/types';
import { describePreprocessing, preprocessingOf } from '../../core/models/preprocessing';
import { useSession } from '../state/sessionStore';
import { useController } from '../state/sessionContext';
import { CustomModelForm } from './CustomModelForm';
import { dropTarget } from '../gallery/FileDrop';
import { KeepOffline } from '../offline/KeepOffline';

const families = [...new Set(CATALOGUE.map((m) => m.family))].map(
  (family) => [family, CATALOGUE.filter((m) => m.family === family)] as const,
);
const unsupported = CATALOGUE.filter((m) => m.unsupportedReason);

function optionText(m: ModelInfo): string {
  const parts = [m.name];
  if (m.top1 !== undefined) parts.push(`${m.top1.toFixed(1)} % top-1`);
  if (m.unsupportedReason) parts.push('not supported yet');
  else if (m.downloadNeeded) parts.push('download');
  return parts.join(' · ');
}

/** The catalogue, the loaded model's facts, and loading a model of one's own. */
export function ModelPicker() {
  const controller = useController();
  const modelId = useSession((s) => s.modelId);
  const info = useSession((s) => s.modelInfo);
  const loading = useSession((s) => s.modelLoading);
  // A model of one's own (files, or a URL whose id is the URL) is not one of the options.
  const catalogueId = modelId && CATALOGUE.some((m) => m.id === modelId) ? modelId : null;
  return (
    <section
      className="panel models"
      aria-labelledby="model-title"
      aria-busy={Boolean(loading)}
      {...dropTarget((files) => void controller.loadModelFromFiles(files))}
    >
      <h2 id="model-title">Model</h2>
      <label className="field">
        <span>Catalogue</span>
        <select
          data-testid="model-select"
          value={catalogueId ?? ''}
          disabled={Boolean(loading)}
          onChange={(e) => e.target.value && void controller.selectCatalogueModel(e.target.value)}
        >
          {!catalogueId && <option value="">{info ? `${info.name} (your own)` : 'choose a model'}</option>}
          {families.map(([family, models]) => (
            <optgroup key={family} label={family}>
              {models.map((m) => (
                <option key={m.id} value={m.id} disabled={Boolean(m.unsupportedReason)} title={m.unsupportedReason ?? m.notes}>
                  {optionText(m)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      {unsupported.length > 0 && (
        <details className="small muted">
          <summary>Why some models are greyed out</summary>
          <ul>
            {unsupported.map((m) => (
              <li key={m.id}>
                <strong>{m.name}</strong>: {m.unsupportedReason}
              </li>
            ))}
          </ul>
        </details>
      )}
      {loading && (
        <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={1} aria-valuenow={loading.fraction}>
          <span style={{ width: `${Math.max(5, loading.fraction * 100)}%` }} />
          <small>Loading {loading.name}…</small>
        </div>
      )}
      {info && (
        <dl className="facts" data-testid="model-info" data-model-id={info.id}>
          <dt>Family</dt>
          <dd>{info.family}</dd>
          <dt>Input</dt>
          <dd data-testid="model-preprocessing">
            {describePreprocessing(preprocessingOf(info))}
            <small className="muted"> — {preprocessingOf(info).source}</small>
          </dd>
          <dt>Outputs</dt>
          <dd>
            {info.numOutputs}
            {info.classOffset ? ` (background at 0)` : ''}
            {info.logitsLayer ? ` · logits at ${info.logitsLayer}` : ''}
          </dd>
          {info.top1 !== undefined && (
            <>
              <dt>ImageNet top-1</dt>
              <dd>{info.top1.toFixed(1)} %</dd>
            </>
          )}
          {info.notes && (
            <>
              <dt>Notes</dt>
              <dd className="small">{info.notes}</dd>
            </>
          )}
          {info.licence && (
            <>
              <dt>Licence</dt>
              <dd>{info.licence}</dd>
            </>
          )}
        </dl>
      )}
      {catalogueId && <KeepOffline modelId={catalogueId} />}
      <CustomModelForm />
    </section>
  );
}
