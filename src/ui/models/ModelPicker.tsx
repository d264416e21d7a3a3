import { CATALOGUE } from '../../core/models/catalogue';
import { useSession } from '../state/sessionStore';
import { useController } from '../state/sessionContext';
import { CustomModelForm } from './CustomModelForm';

/** The catalogue, the loaded model's facts, and loading a model of one's own. */
export function ModelPicker() {
  const controller = useController();
  const modelId = useSession((s) => s.modelId);
  const info = useSession((s) => s.modelInfo);
  const loading = useSession((s) => s.modelLoading);
  return (
    <section className="panel models" aria-labelledby="model-title" aria-busy={Boolean(loading)}>
      <h2 id="model-title">Model</h2>
      <label className="field">
        <span>Catalogue</span>
        <select
          data-testid="model-select"
          value={modelId ?? ''}
          disabled={Boolean(loading)}
          onChange={(e) => e.target.value && void controller.selectCatalogueModel(e.target.value)}
        >
          {!modelId && <option value="">{info ? `${info.name} (your own)` : 'choose a model'}</option>}
          {CATALOGUE.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
              {m.top1 ? ` · ${m.top1.toFixed(1)} % top-1` : ''}
            </option>
          ))}
        </select>
      </label>
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
          <dd>
            {info.inputSize}×{info.inputSize} · {info.normalizationName}
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
          {info.licence && (
            <>
              <dt>Licence</dt>
              <dd>{info.licence}</dd>
            </>
          )}
        </dl>
      )}
      <CustomModelForm />
    </section>
  );
}
