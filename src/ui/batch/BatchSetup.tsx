import { useEffect, useState } from 'react';
import { ATTACK_IDS } from '../../core/attacks/defaults';
import { ATTACK_SPECS } from '../attack/attackSpecs';
import { PROTOCOLS } from '../../core/attacks/protocols';
import { CATALOGUE } from '../../core/models/catalogue';
import { PROTOCOL_IDS, PROTOCOL_LABELS, type ProtocolId } from '../../core/results/types';
import { shardImageId } from '../../core/batch/imageIds';
import type { SampleRef } from '../state/sessionController';
import { useBatch } from '../state/batchStore';
import { listUploads } from '../storage/uploadStore';
import { batchController } from './browserDeps';
import { openShardFile, openShardUrl, refreshUserModels, shardFor, shardRecordsOfClasses, useSources, type OpenShard } from './batchSources';
import { shardSpecs, type BatchParams } from './batchUrl';

/** Models a batch can run: not those the importers cannot open; large downloads only when picked. */
const BATCH_MODELS = CATALOGUE.filter((m) => !m.unsupportedReason);

const toggle = (list: string[], id: string) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);

/** The records a shard contributes: the first N (blank: all), of the given classes (blank: any). */
async function shardSelection(shard: OpenShard, count: string, classes: string): Promise<{ ids: string[]; specs: string[] }> {
  const wanted = classes.split(/[\s,]+/).filter(Boolean).map(Number);
  if (wanted.some((c) => !Number.isInteger(c) || c < 0 || c > 999)) throw new Error(`The class filter "${classes}" must list ImageNet class indices (0–999).`);
  // A URL shard is counted only when no class filter lists its records anyway (counting is one request per record).
  const listed = wanted.length
    ? await shardRecordsOfClasses(shard.name, new Set(wanted))
    : [...Array(shard.records >= 0 ? shard.records : await (await shardFor(shard.name)).count()).keys()];
  const n = count.trim() ? Number(count) : Infinity;
  if (!(n >= 1)) throw new Error(`The record count "${count}" must be a whole number of at least 1.`);
  const indices = listed.slice(0, n);
  return { ids: indices.map((i) => shardImageId(shard.name, i)), specs: shardSpecs(shard.name, indices) };
}

export function BatchSetup({ samples, address }: { samples: SampleRef[]; address: BatchParams | null }) {
  const running = useBatch((s) => s.running);
  const userModels = useSources((s) => s.userModels);
  const shards = useSources((s) => s.shards);
  const [models, setModels] = useState<string[]>(() => address?.models ?? BATCH_MODELS.filter((m) => !m.downloadNeeded).map((m) => m.id));
  const [images, setImages] = useState<string[] | null>(null);
  const [uploads, setUploads] = useState<string[]>([]);
  const [chosenUploads, setChosenUploads] = useState<string[]>([]);
  const [useShards, setUseShards] = useState(true);
  const [shardUrl, setShardUrl] = useState('');
  const [count, setCount] = useState('');
  const [classes, setClasses] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [protocol, setProtocol] = useState<ProtocolId>(address?.protocol ?? 'interactive');
  const [attack, setAttack] = useState<string>(address?.attack ?? PROTOCOLS.interactive.attack);
  const [steps, setSteps] = useState(address?.steps ?? PROTOCOLS.interactive.steps);
  const chosenImages = images ?? samples.map((s) => s.id);

  useEffect(() => {
    void refreshUserModels().catch(() => {});
    void listUploads().then((u) => setUploads(u.map((x) => x.id)), () => {});
  }, []);

  const fail = (e: unknown) => batchController().reportError((e as Error).message);
  const openShard = async (open: () => Promise<OpenShard>) => {
    setBusy('Opening the shard…');
    try {
      await open();
      // A resumed batch may have waited for this very file.
      await batchController().recheckWaiting();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  };

  const start = async () => {
    try {
      const picked = { ids: [...chosenImages, ...chosenUploads], specs: [...chosenImages, ...chosenUploads] };
      if (useShards) {
        for (const shard of shards) {
          const s = await shardSelection(shard, count, classes);
          picked.ids.push(...s.ids);
          picked.specs.push(...s.specs);
        }
      }
      await batchController().start({ models, images: picked.ids, imageSpecs: picked.specs, protocol, steps, attack });
    } catch (e) {
      fail(e);
    }
  };

  const modelBox = (id: string, label: string) => (
    <label key={id} className="check">
      <input type="checkbox" data-testid={`batch-model-${id}`} checked={models.includes(id)} onChange={() => setModels(toggle(models, id))} />
      {label}
    </label>
  );

  return (
    <section className="panel batch-setup" aria-labelledby="batch-setup-title">
      <h2 id="batch-setup-title">New batch</h2>
      <fieldset>
        <legend>Models</legend>
        {BATCH_MODELS.map((m) => modelBox(m.id, `${m.name}${m.downloadNeeded ? ' (downloads from its official URL)' : ''}`))}
        {userModels.map((m) => modelBox(m.id, `${m.name} (${m.kind === 'url' ? 'opened by URL' : 'your file'})`))}
        {userModels.length === 0 && <p className="muted small">Models you open by URL or from files in the model panel appear here.</p>}
      </fieldset>
      <fieldset>
        <legend>Images with human maps ({chosenImages.length} of {samples.length} samples)</legend>
        <div className="batch-images">
          {samples.map((s) => (
            <label key={s.id} className="check">
              <input type="checkbox" data-testid={`batch-image-${s.id}`} checked={chosenImages.includes(s.id)} onChange={() => setImages(toggle(chosenImages, s.id))} />
              {s.name}
            </label>
          ))}
          {uploads.map((id) => (
            <label key={id} className="check">
              <input type="checkbox" data-testid={`batch-image-${id}`} checked={chosenUploads.includes(id)} onChange={() => setChosenUploads(toggle(chosenUploads, id))} />
              {id.slice('upload:'.length)} (your upload)
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>ClickMe shards (TFRecord), read one record at a time</legend>
        <div className="batch-row">
          <label className="field">
            <span>Shard file</span>
            <input type="file" data-testid="batch-shard-upload" onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void openShard(() => openShardFile(file));
            }} />
          </label>
          <label className="field">
            <span>or its URL</span>
            <input type="url" data-testid="batch-shard-url" value={shardUrl} placeholder="https://…/val-0.tfrecords" onChange={(e) => setShardUrl(e.target.value)} />
          </label>
          <button type="button" data-testid="batch-shard-open" disabled={!shardUrl.trim()} onClick={() => void openShard(() => openShardUrl(shardUrl.trim()))}>Open</button>
          {busy && <span className="muted small">{busy}</span>}
        </div>
        {shards.length > 0 && (
          <div className="batch-row">
            <label className="check"><input type="checkbox" checked={useShards} onChange={() => setUseShards(!useShards)} />
              {shards.map((s) => `${s.name} (${s.records >= 0 ? `${s.records} records` : 'records not counted yet'})`).join(', ')}</label>
            <label className="field"><span>First N records (blank: all)</span>
              <input type="number" min={1} data-testid="batch-shard-count" value={count} onChange={(e) => setCount(e.target.value)} /></label>
            <label className="field"><span>Only classes (ImageNet indices)</span>
              <input type="text" data-testid="batch-shard-class" value={classes} placeholder="e.g. 1, 417" onChange={(e) => setClasses(e.target.value)} /></label>
          </div>
        )}
      </fieldset>
      <div className="batch-row">
        <label className="field">
          <span>Protocol</span>
          <select data-testid="batch-protocol" value={protocol} onChange={(e) => {
            const p = e.target.value as ProtocolId;
            setProtocol(p);
            setSteps(PROTOCOLS[p].steps || 1);
          }}>
            {PROTOCOL_IDS.map((p) => <option key={p} value={p}>{PROTOCOL_LABELS[p]}</option>)}
          </select>
        </label>
        {protocol === 'interactive' && (
          <label className="field">
            <span>Attack</span>
            <select data-testid="batch-attack" value={attack} onChange={(e) => setAttack(e.target.value)}>
              {ATTACK_IDS.map((a) => <option key={a} value={a}>{ATTACK_SPECS[a].label}</option>)}
            </select>
          </label>
        )}
        <label className="field">
          <span>Steps per attack</span>
          <input type="number" min={1} max={100000} data-testid="batch-steps" value={steps}
            disabled={(protocol === 'interactive' ? attack : PROTOCOLS[protocol].attack) === 'pgd-bisect'}
            onChange={(e) => setSteps(Math.max(1, Math.round(Number(e.target.value) || 1)))} />
        </label>
        <button type="button" className="primary" data-testid="batch-start" disabled={running} onClick={() => void start()}>
          Run the batch
        </button>
      </div>
      <p className="muted small">{PROTOCOLS[protocol].description}</p>
      <p className="muted small">
        Each result is saved as soon as it finishes; closing or reloading the tab loses nothing and the batch resumes
        (a shard file, and a model file the browser could not store, are asked for again).
        {steps < PROTOCOLS[protocol].steps ? ` Fewer steps than the protocol's ${PROTOCOLS[protocol].steps} give larger, less minimal norms.` : ''}
      </p>
    </section>
  );
}
