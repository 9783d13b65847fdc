import { NameDescriptionDialog, type NameDescription } from '@/components/ui/name-description-dialog';
import { createRole } from '../api/create-role';
import type { Role } from '../api/schemas';
import { updateRole } from '../api/update-role';
import { firstError, roleDescriptionSchema, roleNameSchema } from '../validation';

/** RoleDialog creates a role in a workspace, or renames one (with its description). */
export function RoleDialog({
  workspaceId,
  role,
  onClose,
  onSaved,
}: {
  workspaceId: string;
  role?: Role;
  onClose: () => void;
  onSaved: (r: Role) => void;
}) {
  const save = async (input: NameDescription) => {
    if (!role) return createRole(workspaceId, input);
    const patch: { name?: string; description?: string } = {};
    if (input.name !== role.name) patch.name = input.name;
    if (input.description !== role.description) patch.description = input.description;
    return Object.keys(patch).length ? updateRole(role.id, patch) : role;
  };
  return (
    <NameDescriptionDialog
      noun="role"
      existing={role}
      intro="A role bundles service actions; the workspace’s members who hold it may perform them."
      placeholder="Billing editor"
      nameMaxLength={120}
      validateName={(v) => firstError(roleNameSchema, v)}
      validateDescription={(v) => firstError(roleDescriptionSchema, v)}
      save={save}
      onClose={onClose}
      onSaved={onSaved}
    />
  );
}
