import { NameDescriptionDialog } from '@/components/ui/name-description-dialog';
import { createGroup } from '../api/create-group';
import type { Group } from '../api/schemas';
import { updateGroup } from '../api/update-group';
import { descriptionSchema, displayNameSchema, firstError } from '../validation';

/** GroupDialog creates a group in a workspace, or renames one (with its description). */
export function GroupDialog({
  workspaceId,
  group,
  onClose,
  onSaved,
}: {
  workspaceId: string;
  group?: Group;
  onClose: () => void;
  onSaved: (g: Group) => void;
}) {
  return (
    <NameDescriptionDialog
      noun="group"
      existing={group}
      intro="A group is a named set of this workspace’s members, to share resources with at once."
      placeholder="Reviewers"
      nameMaxLength={300}
      validateName={(v) => firstError(displayNameSchema, v)}
      validateDescription={(v) => firstError(descriptionSchema, v)}
      save={(input) => (group ? updateGroup(group.id, input) : createGroup(workspaceId, input))}
      onClose={onClose}
      onSaved={onSaved}
    />
  );
}
