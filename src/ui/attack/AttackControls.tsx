import { useId } from 'react';
import type { AttackId, ProtocolId } from '../../core/attacks/types';
import { PROTOCOLS, PROTOCOL_IDS } from '../../core/attacks/protocols';
import { MAX_STEPS } from '../export/runDefinition';
import { labelOf, useLabels } from '../predictions/labels';
import { runStore, useRun } from '../state/runStore';
import { useSession } from '../state/sessionStore';
import { ATTACK_SPECS, paramDefaults, type ParamSpec } from './attackSpecs';

/**
 * What to run: protocol preset, attack, steps, the attack's parameters (METHOD defaults), an
 * optional target class, the alignment convention; then start and cancel.
 */

export interface AttackControlsProps {
  onStart(): void;
  onCancel(): void;
}

function ParamInput({ spec, value, onChange }: { spec: ParamSpec; value: number | boolean; onChange(v: number | boolean): void }) {
  const id = useId();
  if (spec.kind === 'boolean') {
    return (
      <label className="check" title={spec.help}>
        <input type="checkbox" checked={Boolean(value)} onChange={(e) => onChange(e.target.checked)} /> {spec.label}
      </label>
    );
  }
  return (
    <div className="field" title={spec.help}>
      <label htmlFor={id}>{spec.label}</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        min={spec.min}
        max={spec.max}
        step="any"
        value={String(value)}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (e.target.value !== '' && Number.isFinite(v) && v >= spec.min && v <= spec.max) onChange(spec.kind === 'integer' ? Math.round(v) : v);
        }}
        aria-describedby={`${id}-help`}
      />
      <small id={`${id}-help`} className="muted">
        {spec.help} Default {String(spec.default)}.
      </small>
    </div>
  );
}

export function AttackControls({ onStart, onCancel }: AttackControlsProps) {
  const def = useRun((s) => s.definition);
  const status = useRun((s) => s.status);
  // A run opened from a file was not run here: starting is a new run, not that one again.
  const opened = useRun((s) => s.opened !== null);
  const convention = useRun((s) => s.convention);
  const divide = useRun((s) => s.divideByCeiling);
  const ready = useSession((s) => Boolean(s.modelInfo && s.modelInput && s.predictions && !s.predicting && !s.modelLoading));
  const labels = useLabels();
  const ids = { protocol: useId(), attack: useId(), steps: useId(), target: useId(), map: useId() };
  const spec = ATTACK_SPECS[def.attack];
  const protocol = PROTOCOLS[def.protocol];
  const { setDefinition, setConvention, setDivideByCeiling } = runStore.getState();
  const running = status === 'running';

  const pickProtocol = (id: ProtocolId) => {
    const p = PROTOCOLS[id];
    setDefinition({
      protocol: id,
      attack: p.attack,
      steps: p.steps || ATTACK_SPECS[p.attack].defaultSteps,
      params: paramDefaults(p.attack),
      readout: p.readout,
      convention: p.mapConvention,
      divideByCeiling: p.humanCeiling !== null,
      target: p.readout === 'binary' ? null : def.target,
    });
    setConvention(p.mapConvention);
    setDivideByCeiling(p.humanCeiling !== null);
  };
  const pickAttack = (attack: AttackId) =>
    setDefinition({ attack, steps: ATTACK_SPECS[attack].defaultSteps || def.steps, params: paramDefaults(attack) });

  return (
    <section className="panel attack-controls" aria-labelledby="controls-title">
      <h2 id="controls-title">Attack</h2>
      <div className="field">
        <label htmlFor={ids.protocol}>Protocol preset</label>
        <select id={ids.protocol} value={def.protocol} disabled={running} onChange={(e) => pickProtocol(e.target.value as ProtocolId)} data-testid="protocol-select">
          {PROTOCOL_IDS.map((id) => (
            <option key={id} value={id}>
              {PROTOCOLS[id].label}
            </option>
          ))}
        </select>
        <small className={protocol.reproducesPublishedBug ? 'warn-text' : 'muted'}>{protocol.description}</small>
      </div>
      <div className="field">
        <label htmlFor={ids.attack}>Attack</label>
        <select id={ids.attack} value={def.attack} disabled={running} onChange={(e) => pickAttack(e.target.value as AttackId)} data-testid="attack-select">
          {Object.values(ATTACK_SPECS).map((a) => (
            <option key={a.id} value={a.id}>
              {a.label}
            </option>
          ))}
        </select>
        <small className="muted">{spec.summary}</small>
      </div>
      <div className="row-fields">
        {!spec.fixedLength && (
          <div className="field">
            <label htmlFor={ids.steps}>Steps</label>
            <input
              id={ids.steps}
              type="number"
              min={1}
              max={MAX_STEPS}
              value={def.steps}
              disabled={running}
              onChange={(e) => {
                const v = Math.round(Number(e.target.value));
                if (v >= 1 && v <= MAX_STEPS) setDefinition({ steps: v });
              }}
              data-testid="steps-input"
            />
          </div>
        )}
        <div className="field">
          <label htmlFor={ids.target}>Target class (optional)</label>
          <input
            id={ids.target}
            type="number"
            min={0}
            max={999}
            placeholder="untargeted"
            value={def.target ?? ''}
            disabled={running || def.readout === 'binary'}
            onChange={(e) => {
              const raw = e.target.value;
              const v = Math.round(Number(raw));
              setDefinition({ target: raw === '' ? null : v >= 0 && v <= 999 ? v : def.target });
            }}
            aria-describedby={`${ids.target}-name`}
          />
          <small id={`${ids.target}-name`} className="muted">
            {def.readout === 'binary' ? 'binary read-out: untargeted' : def.target === null ? 'untargeted: any other class' : labelOf(labels, def.target)}
          </small>
        </div>
      </div>
      <details className="params">
        <summary>Parameters of {spec.label.split(' (')[0]}</summary>
        {spec.params.map((p) => (
          <ParamInput
            key={`${def.attack}-${p.key}`}
            spec={p}
            value={def.params[p.key] ?? p.default}
            onChange={(v) => setDefinition({ params: { ...def.params, [p.key]: v } })}
          />
        ))}
        <p className="muted small">Read-out: {def.readout === 'binary' ? 'binary (animate vs inanimate)' : '1000 ImageNet classes'} · seed {def.seed}</p>
      </details>
      <div className="field">
        <label htmlFor={ids.map}>Alignment attack map</label>
        <select
          id={ids.map}
          value={convention}
          onChange={(e) => {
            const c = e.target.value as 'mean' | 'max';
            setConvention(c);
            setDefinition({ convention: c });
          }}
        >
          <option value="mean">|mean over channels of δ| (2023 default)</option>
          <option value="max">|max over channels of δ| (2025)</option>
        </select>
        <label className="check">
          <input
            type="checkbox"
            checked={divide}
            onChange={(e) => {
              setDivideByCeiling(e.target.checked);
              setDefinition({ divideByCeiling: e.target.checked });
            }}
          />{' '}
          divide by the human ceiling 0.65753
        </label>
      </div>
      <div className="run-buttons">
        <button type="button" onClick={onStart} disabled={!ready || running} data-testid="run-start">
          {status === 'idle' || opened ? 'Start attack' : 'Run again'}
        </button>
        <button type="button" className="danger" onClick={onCancel} disabled={!running} data-testid="run-cancel">
          Cancel
        </button>
      </div>
      {!ready && <p className="muted small">Waiting for a model, an image and its predictions…</p>}
    </section>
  );
}
