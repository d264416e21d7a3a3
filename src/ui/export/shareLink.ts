import type { OpenedRun } from '../state/runStore';
import { runDefinitionToSearch, type BackendChoice, type RunDefinition } from './runDefinition';

export interface SessionPicks {
  imageId: string | null;
  /** Catalogue id or URL model id (the link carries both); null with `ownModel` for model files. */
  modelId: string | null;
  ownModel: boolean;
  forcedBackend: BackendChoice | null;
}

export interface SharedLink {
  url: string;
  /** What the link cannot carry, in words for the user; null when it reproduces the run alone. */
  caveat: string | null;
}

/**
 * The link "Copy link" shares. A run made here takes the session's current image, model and
 * backend (the controls may have moved on since the definition was stored). A run opened from a
 * file is shown as the file made it, so the link is the file's own, whatever this session has picked.
 */
export function shareLink(definition: RunDefinition, opened: OpenedRun | null, session: SessionPicks, here: string): SharedLink {
  let query: URLSearchParams;
  if (opened) {
    try {
      query = new URL(opened.url).searchParams;
      query.delete('run');
    } catch {
      query = new URLSearchParams(runDefinitionToSearch(opened.definition));
    }
  } else {
    query = new URLSearchParams(
      runDefinitionToSearch({
        ...definition,
        imageId: session.imageId ?? definition.imageId,
        modelId: session.ownModel ? null : (session.modelId ?? definition.modelId),
        backend: session.forcedBackend ?? definition.backend,
      }),
    );
  }
  const missing: string[] = [];
  if ((query.get('image') ?? '').startsWith('upload:')) missing.push('the uploaded image');
  if (!opened && session.ownModel) missing.push('your own model');
  const caveat = missing.length
    ? `The link holds the settings but not ${missing.join(' or ')}: whoever opens it must load the same file${missing.length > 1 ? 's' : ''}.`
    : null;
  return { url: `${here}?${query.toString()}`, caveat };
}
