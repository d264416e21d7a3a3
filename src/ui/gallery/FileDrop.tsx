import { useId, useState, type DragEvent, type ReactNode } from 'react';

interface FileDropProps {
  label: string;
  hint?: string;
  accept: string;
  multiple?: boolean;
  testId: string;
  onFiles: (files: File[]) => void;
  children?: ReactNode;
}

/** Props for a whole panel that takes dropped files (the inner FileDrops take their own). */
export function dropTarget(onFiles: (files: File[]) => void) {
  return {
    onDragOver: (e: DragEvent) => e.preventDefault(),
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      const files = [...e.dataTransfer.files];
      if (files.length) onFiles(files);
    },
  };
}

/** A labelled file input that also takes files dropped on it. */
export function FileDrop({ label, hint, accept, multiple, testId, onFiles, children }: FileDropProps) {
  const id = useId();
  const [over, setOver] = useState(false);
  return (
    <div
      className={`drop ${over ? 'drop-over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        e.stopPropagation();
        setOver(false);
        const files = [...e.dataTransfer.files];
        if (files.length) onFiles(files);
      }}
    >
      <label htmlFor={id} className="drop-label">
        <span className="drop-title">{label}</span>
        {hint && <span className="drop-hint">{hint}</span>}
      </label>
      <input
        id={id}
        type="file"
        accept={accept}
        multiple={multiple}
        data-testid={testId}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length) onFiles(files);
        }}
      />
      {children}
    </div>
  );
}
