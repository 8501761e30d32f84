from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "bmtrack.accounts"
    label = "accounts"
    verbose_name = "Accounts and care teams"

    def ready(self):
        from bmtrack.accounts.roles import sync_role_groups

        # Permissions exist only after every app has migrated, so groups are synced then.
        post_migrate.connect(sync_role_groups, dispatch_uid="bmtrack.accounts.sync_role_groups")
