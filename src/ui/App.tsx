import { lazy, Suspense, useMemo, useState, type ComponentType } from 'react';
import { BackendBadge } from './common/BackendBadge';
import { ErrorBanner, Notices } from './common/ErrorBanner';
import { UpdateBanner } from './common/UpdateBanner';
import { Gallery } from './gallery/Gallery';
import { CurrentImage } from './gallery/CurrentImage';
import { ModelPicker } from './models/ModelPicker';
import { Predictions } from './predictions/Predictions';
import { SessionContext } from './state/sessionContext';
import type { SessionController } from './state/sessionController';

/**
 * Slots for the views other parts of AlignScope supply. A view is the default export of its file;
 * a tab appears as soon as the file exists (import.meta.glob finds it at build time).
 */
const SLOT_FILES = import.meta.glob<{ default: ComponentType }>([
  './attack/AttackView.tsx',
  './batch/BatchView.tsx',
  './scatter/ScatterView.tsx',
]);

export type TabId = 'explore' | 'attack' | 'batch' | 'scatter';

const SLOTS: { id: Exclude<TabId, 'explore'>; label: string; file: string }[] = [
  { id: 'attack', label: 'Attack', file: './attack/AttackView.tsx' },
  { id: 'batch', label: 'Batch runs', file: './batch/BatchView.tsx' },
  { id: 'scatter', label: 'Robustness × alignment', file: './scatter/ScatterView.tsx' },
];

/** The first tab: from ?tab=, or the attack view when the URL defines a run. */
export function initialTab(search: string, available: TabId[]): TabId {
  const q = new URLSearchParams(search);
  const asked = q.get('tab') as TabId | null;
  if (asked && available.includes(asked)) return asked;
  if ((q.has('attack') || q.get('run') === '1') && available.includes('attack')) return 'attack';
  return 'explore';
}

export function App({ controller, search = '' }: { controller: SessionController; search?: string }) {
  const slots = useMemo(
    () =>
      SLOTS.filter((s) => SLOT_FILES[s.file]).map((s) => ({ ...s, View: lazy(SLOT_FILES[s.file]) })),
    [],
  );
  const tabs: { id: TabId; label: string }[] = [{ id: 'explore', label: 'Explore' }, ...slots];
  const [tab, setTab] = useState<TabId>(() => initialTab(search, tabs.map((t) => t.id)));
  // A view stays mounted once opened, so a running attack or batch survives a tab switch.
  const [opened, setOpened] = useState<Set<TabId>>(() => new Set([tab]));
  const open = (id: TabId) => {
    setTab(id);
    setOpened((o) => new Set(o).add(id));
  };

  return (
    <SessionContext.Provider value={controller}>
      <div className="app">
        <header className="topbar">
          <div className="brand">
            <span className="logo" aria-hidden="true">◎</span>
            <div>
              <h1>AlignScope</h1>
              <p className="tagline">Where adversarial attacks hit an image, and whether a human would care.</p>
            </div>
          </div>
          <nav
            className="tabs"
            role="tablist"
            aria-label="Views"
            onKeyDown={(e) => {
              // The ARIA tabs pattern: arrows move between tabs, Tab leaves the list.
              const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
              if (!step) return;
              const i = tabs.findIndex((t) => t.id === tab);
              const next = tabs[(i + step + tabs.length) % tabs.length].id;
              open(next);
              document.getElementById(`tab-${next}`)?.focus();
            }}
          >
            {tabs.map((t) => (
              <button
                key={t.id}
                type="button"
                role="tab"
                id={`tab-${t.id}`}
                aria-selected={tab === t.id}
                aria-controls={`view-${t.id}`}
                tabIndex={tab === t.id ? 0 : -1}
                data-testid={`tab-${t.id}`}
                onClick={() => open(t.id)}
              >
                {t.label}
              </button>
            ))}
          </nav>
          <BackendBadge onForce={(b) => void controller.forceBackend(b)} />
        </header>
        <div className="messages">
          <UpdateBanner />
          <ErrorBanner />
          <Notices />
        </div>
        <main>
          <div role="tabpanel" id="view-explore" aria-labelledby="tab-explore" hidden={tab !== 'explore'} className="explore">
            <Gallery />
            <div className="center">
              <CurrentImage />
              <Predictions />
            </div>
            <ModelPicker />
          </div>
          {slots.map(({ id, View }) =>
            opened.has(id) ? (
              <div key={id} role="tabpanel" id={`view-${id}`} aria-labelledby={`tab-${id}`} hidden={tab !== id}>
                <Suspense fallback={<p className="muted">Loading…</p>}>
                  <View />
                </Suspense>
              </div>
            ) : null,
          )}
        </main>
      </div>
    </SessionContext.Provider>
  );
}
