import { TypeToConfirmDialog } from '@/components/ui/type-to-confirm-dialog';
import { deleteWorkspace } from '../api/delete-workspace';
import type { Workspace } from '../api/schemas';

export function DeleteWorkspaceDialog({ workspace, onClose, onDeleted }: { workspace: Workspace; onClose: () => void; onDeleted: () => void }) {
  return (
    <TypeToConfirmDialog
      title={`Delete ${workspace.name}?`}
      confirmText={workspace.slug}
      actionLabel="Delete workspace"
      onClose={onClose}
      onConfirm={async () => {
        await deleteWorkspace(workspace.id);
        onDeleted();
      }}
    >
      This also removes the workspace’s memberships, groups, roles and role assignments, and every resource ACL in it.
      Nothing is left behind and it cannot be undone. The users themselves stay, with their other workspaces.
    </TypeToConfirmDialog>
  );
}
