from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Resource directory"

    def ready(self) -> None:
        from directory.models import TaxonomyTerm
        from directory.selectors import KEPT_TAXONOMY
        from reference.models import LifeArea, Tangle

        # The search keeps the taxonomy for a minute (directory.selectors.taxonomy): an edit in the
        # admin reaches this worker at once.
        KEPT_TAXONOMY.forget_on_change(LifeArea, Tangle, TaxonomyTerm, uid="directory.taxonomy")
