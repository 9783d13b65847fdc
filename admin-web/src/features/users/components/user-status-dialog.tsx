import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import type { User } from '../api/schemas';
import { updateUser } from '../api/update-user';

/** UserStatusDialog confirms activating or deactivating a user, then saves it. */
export function UserStatusDialog({ user, onClose, onSaved }: { user: User; onClose: () => void; onSaved: (u: User) => void }) {
  const label = user.name || user.email;
  return (
    <ConfirmDialog
      title={user.is_active ? `Deactivate ${label}?` : `Activate ${label}?`}
      confirmLabel={user.is_active ? 'Deactivate user' : 'Activate user'}
      tone={user.is_active ? 'danger' : 'default'}
      onClose={onClose}
      onConfirm={async () => onSaved(await updateUser(user.id, { is_active: !user.is_active }))}
    >
      <p>
        {user.is_active
          ? 'They can no longer sign in, and the tokens they already hold stop working within 5 seconds. Their memberships, groups and roles are kept: you can activate them again.'
          : 'They can sign in again, with the memberships, groups and roles they had.'}
      </p>
    </ConfirmDialog>
  );
}
