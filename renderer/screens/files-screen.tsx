import { useEffect, useRef, useState, type DragEvent } from 'react';
import { screenPanelId } from '../components/app-nav.tsx';
import { DetailsPane } from '../components/details-pane.tsx';
import { DialogHost } from '../components/dialog-host.tsx';
import { DropZone } from '../components/drop-zone.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { FileTable } from '../components/file-table.tsx';
import { FolderTree } from '../components/folder-tree.tsx';
import { Icon } from '../components/icons.tsx';
import { InvitationBanner } from '../components/invitation-banner.tsx';
import { KeyStatusBanner } from '../components/key-status-banner.tsx';
import { NoticeStack } from '../components/notice-stack.tsx';
import { Pagination } from '../components/pagination.tsx';
import { SearchBox } from '../components/search-box.tsx';
import { SelectionBar } from '../components/selection-bar.tsx';
import { TransfersPanel } from '../components/transfers-panel.tsx';
import { contextLineage, contextName } from '../model/context-tree.ts';
import { filesSelectors, uiSelectors, useAppStore } from '../store/index.ts';

const hasFiles = (event: DragEvent | globalThis.DragEvent) =>
  event.dataTransfer?.types.includes('Files') ?? false;

/** Rename or delete the open folder (with everything in it). */
function FolderActions() {
  const context = useAppStore(filesSelectors.context);
  const openDialog = useAppStore((s) => s.openDialog);
  if (!context) return null;
  const name = contextName(context);
  return (
    <div className="folder-actions" role="group" aria-label={`Folder ${name}`}>
      <button
        type="button"
        className="icon-button"
        aria-label="Rename folder"
        title={`Rename folder ${name}`}
        onClick={() => openDialog({ kind: 'rename-folder', folder: context })}
        data-testid="rename-folder-button"
      >
        <Icon name="pencil" />
      </button>
      <button
        type="button"
        className="icon-button icon-button-danger"
        aria-label="Delete folder"
        title={`Delete folder ${name}`}
        onClick={() => openDialog({ kind: 'delete-folder', folder: context })}
        data-testid="delete-folder-button"
      >
        <Icon name="trash" />
      </button>
    </div>
  );
}

/** Where you are: "All files › finance › 2026", each step clickable. */
function Breadcrumbs() {
  const context = useAppStore(filesSelectors.context);
  const openFolder = useAppStore((s) => s.openFolder);
  const steps = context ? contextLineage(context) : [];
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumb">
      <ol>
        <li>
          {steps.length === 0 ? (
            <span aria-current="page">All files</span>
          ) : (
            <button type="button" className="crumb" onClick={() => openFolder(null)}>
              All files
            </button>
          )}
        </li>
        {steps.map((path, index) => (
          <li key={path}>
            <Icon name="chevron-right" size={12} className="crumb-separator" />
            {index === steps.length - 1 ? (
              <span aria-current="page" data-testid="current-folder">
                {contextName(path)}
              </span>
            ) : (
              <button type="button" className="crumb" onClick={() => openFolder(path)}>
                {contextName(path)}
              </button>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

function FileList({ folderLabel }: { folderLabel: string }) {
  const error = useAppStore(filesSelectors.error);
  const status = useAppStore(filesSelectors.status);
  const isEmpty = useAppStore(filesSelectors.isEmpty);
  const loadFiles = useAppStore((s) => s.loadFiles);
  if (status === 'error' && error) {
    return (
      <div className="list-error">
        <ErrorBanner
          title="Couldn't load your files."
          message={error.message}
          onRetry={() => void loadFiles()}
          testId="files-error"
        />
      </div>
    );
  }
  return (
    <>
      <FileTable folderLabel={folderLabel} />
      {isEmpty ? <EmptyState /> : null}
    </>
  );
}

/** The signed-in workspace: folders on the left, the file list, details on the right. */
export function FilesScreen() {
  const context = useAppStore(filesSelectors.context);
  const detailsOpen = useAppStore(uiSelectors.detailsOpen);
  const chooseAndUpload = useAppStore((s) => s.chooseAndUpload);
  const toggleDetails = useAppStore((s) => s.toggleDetails);
  const dropFiles = useAppStore((s) => s.dropFiles);
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);
  const addFiles = useRef<HTMLButtonElement>(null);
  const folderLabel = context ?? 'All files';

  // Arriving from sign-in or sign-up, focus would sit on the page itself; give it a place to act.
  useEffect(() => {
    if (!document.activeElement || document.activeElement === document.body)
      addFiles.current?.focus();
  }, []);

  // A file dropped anywhere else must not make the window navigate to it.
  useEffect(() => {
    const block = (event: globalThis.DragEvent) => {
      if (hasFiles(event)) event.preventDefault();
    };
    window.addEventListener('dragover', block);
    window.addEventListener('drop', block);
    return () => {
      window.removeEventListener('dragover', block);
      window.removeEventListener('drop', block);
    };
  }, []);

  const dragHandlers = {
    onDragEnter: (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth.current += 1;
      setDragging(true);
    },
    onDragOver: (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave: (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    },
    onDrop: (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth.current = 0;
      setDragging(false);
      const files = [...event.dataTransfer.files];
      if (files.length > 0) void dropFiles(files);
    },
  };

  return (
    <div className="workspace" data-testid="files-screen">
      <FolderTree />
      <main
        className="content"
        id={screenPanelId('files')}
        aria-labelledby="files-title"
        data-testid="file-list"
        {...dragHandlers}
      >
        <h1 id="files-title" className="visually-hidden">
          Files
        </h1>
        <div className="content-banner">
          <KeyStatusBanner />
          <InvitationBanner />
        </div>
        <div className="toolbar" data-testid="files-toolbar">
          <div className="toolbar-start">
            <Breadcrumbs />
            <FolderActions />
          </div>
          <div className="toolbar-end">
            <SearchBox />
            <button
              type="button"
              className={`icon-button toolbar-toggle${detailsOpen ? ' is-on' : ''}`}
              aria-label="Details"
              aria-pressed={detailsOpen}
              title={detailsOpen ? 'Hide details' : 'Show details'}
              onClick={toggleDetails}
              data-testid="details-toggle"
            >
              <Icon name="info" />
            </button>
            <button
              type="button"
              className="button add-folder-button"
              onClick={() => void chooseAndUpload('folders')}
              title="Add a folder with everything in it"
              data-testid="upload-folder-button"
            >
              <Icon name="folder" size={15} />
              <span className="add-folder-text">Add folder</span>
            </button>
            <button
              ref={addFiles}
              type="button"
              className="button button-primary"
              onClick={() => void chooseAndUpload('files')}
              data-testid="upload-button"
            >
              <Icon name="upload" size={15} />
              Add files
            </button>
          </div>
        </div>
        <div className={`content-body${detailsOpen ? ' has-details' : ''}`}>
          <div className="list-area">
            <SelectionBar />
            <FileList folderLabel={folderLabel} />
            {dragging ? <DropZone folderLabel={folderLabel} /> : null}
          </div>
          {detailsOpen ? <DetailsPane /> : null}
        </div>
        <Pagination />
        <TransfersPanel />
      </main>
      <NoticeStack />
      <DialogHost />
    </div>
  );
}
