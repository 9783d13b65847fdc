import { TypeToConfirmDialog } from '@/components/ui/type-to-confirm-dialog';
import { purgeService } from '../api/purge-service';

/** PurgeServiceDialog deletes every permission record of a service once its name is typed. */
export function PurgeServiceDialog({
  serviceName,
  onClose,
  onPurged,
}: {
  serviceName: string;
  onClose: () => void;
  onPurged: (deleted: number) => void;
}) {
  return (
    <TypeToConfirmDialog
      title={`Purge every permission of ${serviceName}?`}
      confirmText={serviceName}
      actionLabel="Purge permissions"
      onClose={onClose}
      onConfirm={async () => onPurged(await purgeService(serviceName))}
    >
      Every resource record {serviceName} registered, in every workspace, is deleted with its visibility and shares.
      Checks for those resources then fail until the service registers them again. It cannot be undone.
    </TypeToConfirmDialog>
  );
}
