import { TypeToConfirmDialog } from '@/components/ui/type-to-confirm-dialog';
import { deleteServiceApp } from '../api/delete-service-app';
import type { ServiceApp } from '../api/schemas';

export function DeleteServiceAppDialog({ app, onClose, onDeleted }: { app: ServiceApp; onClose: () => void; onDeleted: () => void }) {
  return (
    <TypeToConfirmDialog
      title={`Delete ${app.name}?`}
      confirmText={app.service_name}
      actionLabel="Delete service app"
      onClose={onClose}
      onConfirm={async () => {
        await deleteServiceApp(app.id);
        onDeleted();
      }}
    >
      Its API keys stop working within seconds and backends using them get 401. Everything registered under{' '}
      <span className="mono">{app.service_name}</span> is purged with it: resource permissions and their shares, service
      actions, and those actions in roles. This cannot be undone: to use the service again you create a new app (the name
      is free again after a few seconds) and deploy its new key.
    </TypeToConfirmDialog>
  );
}
