import { useState, type FormEvent } from 'react';
import { NORMALIZATION_NAMES } from '../../core/models/normalizations';
import { INTERPOLATIONS } from '../../core/image/resample';
import { EMPTY_FIELDS, toOverrides, type OverrideFields } from '../../core/models/modelId';
import { useController } from '../state/sessionContext';
import { FileDrop } from '../gallery/FileDrop';

const ACCEPT = '.json,.bin,.tflite,.h5,.hdf5,.keras,.onnx,application/json,application/octet-stream';

/** A model from a URL or from files (model.json + weights, .tflite, .h5, .onnx), with what the file cannot say. */
export function CustomModelForm() {
  const controller = useController();
  const [fields, setFields] = useState<OverrideFields>(EMPTY_FIELDS);
  const [url, setUrl] = useState('');
  const set = <K extends keyof OverrideFields>(key: K, value: OverrideFields[K]) => setFields((f) => ({ ...f, [key]: value }));
  const submitUrl = (e: FormEvent) => {
    e.preventDefault();
    if (url.trim()) void controller.loadModelFromUrl(url.trim(), fields);
  };
  return (
    <details className="custom-model">
      <summary>Your own model</summary>
      <FileDrop
        label="Model files"
        hint="model.json with its weight files, or one .tflite / .h5 / .onnx"
        accept={ACCEPT}
        multiple
        testId="model-upload"
        onFiles={(files) => void controller.loadModelFromFiles(files, toOverrides(fields))}
      />
      <form onSubmit={submitUrl} className="url-form">
        <label className="field">
          <span>…or a URL</span>
          <input type="url" placeholder="https://…/model.json" value={url} onChange={(e) => setUrl(e.target.value)} />
        </label>
        <button type="submit" disabled={!url.trim()}>
          Load
        </button>
      </form>
      <fieldset>
        <legend>Settings (leave empty to detect)</legend>
        <ChoiceField
          label="Preprocessing"
          value={fields.normalization}
          empty="detect / [-1,1]"
          choices={NORMALIZATION_NAMES}
          onChange={(v) => set('normalization', v as OverrideFields['normalization'])}
        />
        <label className="field">
          <span>Input size (px)</span>
          <input inputMode="numeric" placeholder="from the file" value={fields.inputSize} onChange={(e) => set('inputSize', e.target.value)} />
        </label>
        <label className="field">
          <span>Classes</span>
          <select value={fields.classes} onChange={(e) => set('classes', e.target.value as OverrideFields['classes'])}>
            <option value="">detect</option>
            <option value="1000">1000 (ImageNet)</option>
            <option value="1001">1001 (background at 0)</option>
          </select>
        </label>
        <label className="field">
          <span>Logits layer</span>
          <input placeholder="detect (e.g. conv_preds)" value={fields.logitsLayer} onChange={(e) => set('logitsLayer', e.target.value)} />
        </label>
        <label className="field">
          <span>timm name</span>
          <input placeholder="optional, joins the scatter" value={fields.timmName} onChange={(e) => set('timmName', e.target.value)} />
        </label>
        <ChoiceField
          label="Interpolation"
          value={fields.interpolation}
          empty="timm's, else bilinear"
          choices={INTERPOLATIONS}
          onChange={(v) => set('interpolation', v as OverrideFields['interpolation'])}
        />
        <label className="field">
          <span>Crop fraction (crop_pct)</span>
          <input inputMode="decimal" placeholder="timm's, else 1 (e.g. 0.875)" value={fields.cropPct} onChange={(e) => set('cropPct', e.target.value)} />
        </label>
      </fieldset>
    </details>
  );
}

/** A labelled menu of named choices whose empty value means "detect / take the default". */
function ChoiceField(props: { label: string; value: string; empty: string; choices: readonly string[]; onChange: (value: string) => void }) {
  return (
    <label className="field">
      <span>{props.label}</span>
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{props.empty}</option>
        {props.choices.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
}
