from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Resource directory"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from directory.models import TaxonomyTerm
        from directory.selectors import forget_taxonomy
        from reference.models import LifeArea, Tangle

        # The search keeps the taxonomy for a minute (directory.selectors.taxonomy): an edit in the
        # admin reaches this worker at once.
        for model in (LifeArea, Tangle, TaxonomyTerm):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_taxonomy, sender=model, dispatch_uid=f"directory.forget_taxonomy.{model.__name__}"
                )
