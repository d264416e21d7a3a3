import { createContext, useContext } from 'react';
import type { SessionController } from './sessionController';

/** The session controller (and through it the worker client) for any view: `useController().client`. */
export const SessionContext = createContext<SessionController | null>(null);

export function useController(): SessionController {
  const controller = useContext(SessionContext);
  if (!controller) throw new Error('useController() needs a <SessionContext.Provider> above it (see src/ui/App.tsx).');
  return controller;
}
